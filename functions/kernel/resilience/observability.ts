import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BreakerObserver } from './breaker.js';

/** Metric names (namespace CommerceForge, dimension `circuit`), for alarms and dashboards. */
export const BREAKER_METRICS = {
  transition: 'CircuitBreakerTransition',
  opened: 'CircuitBreakerOpened',
  rejected: 'CircuitBreakerRejected',
  stateUnavailable: 'CircuitBreakerStateUnavailable',
} as const;

/**
 * The breaker's log lines and EMF metrics through Powertools. Each metric is a single metric (flushed at
 * once with its own `circuit` dimension): a breaker outlives invocations, and the dimension must not leak
 * into the handler's other metrics.
 */
export function powertoolsObserver(tools: {
  readonly logger: Logger;
  readonly metrics: Metrics;
}): BreakerObserver {
  const count = (name: string, circuit: string, dimensions: Record<string, string> = {}) => {
    const single = tools.metrics.singleMetric();
    single.addDimension('circuit', circuit);
    for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
    single.addMetric(name, MetricUnit.Count, 1);
  };
  return {
    transition(event) {
      tools.logger.info('circuit breaker transition', {
        circuit: event.circuit,
        from: event.from,
        to: event.to,
        failureCount: event.failureCount,
        ...(event.nextAttemptAt ? { nextAttemptAt: new Date(event.nextAttemptAt).toISOString() } : {}),
      });
      count(BREAKER_METRICS.transition, event.circuit, { to: event.to });
      if (event.to === 'OPEN') count(BREAKER_METRICS.opened, event.circuit);
    },
    stateUnavailable(circuit, operation, error) {
      tools.logger.warn('circuit breaker state table unavailable: failing open', {
        circuit,
        operation,
        error: error as Error,
      });
      count(BREAKER_METRICS.stateUnavailable, circuit, { operation });
    },
    rejected(circuit, nextAttemptAt) {
      tools.logger.info('call refused: circuit open', {
        circuit,
        nextAttemptAt: new Date(nextAttemptAt).toISOString(),
      });
      count(BREAKER_METRICS.rejected, circuit);
    },
  };
}
