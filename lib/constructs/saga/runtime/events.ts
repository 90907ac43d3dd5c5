import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseWith } from '../../../../functions/kernel/domain/commands.js';
import { withObservability } from '../../../../functions/kernel/observability.js';
import { type SagaEventRequest, sagaEventRequestSchema } from './contract.js';
import { type BuiltSagaEvent, buildSagaEvent, sagaMetrics } from './saga-events.js';

/**
 * The event builder of a saga (one per Saga construct): the state machine asks it for a lifecycle event,
 * publishes the answer with its own `events:putEvents` task, and this function records the saga's EMF metrics
 * on the way: SagaStarted, SagaSucceeded, SagaCompensated, SagaCompensationFailed (Count) and SagaDuration
 * (Milliseconds), dimension SagaName. Success and compensation rates are metric math over them (the construct's
 * `metricSuccessRate()`/`metricCompensationRate()`). A request is `$.saga` as `metadata`, so the kernel's
 * observability wrapper logs with the saga's correlation id.
 */
export const handler = withObservability<unknown, BuiltSagaEvent>(
  { service: 'saga' },
  async (event, _context, tools) => {
    const request: SagaEventRequest = parseWith(sagaEventRequestSchema, event, {
      message: 'not a saga event request',
    });
    const now = tools.clock();
    const built = buildSagaEvent(request, now);
    // A single metric publishes on addMetric and then forgets its dimensions: one per data point.
    const record = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) => {
      const metric = tools.metrics.singleMetric();
      metric.addDimension('SagaName', request.metadata.name);
      metric.addMetric(name, unit, value);
    };
    for (const point of sagaMetrics(request, now)) {
      record(point.name, MetricUnit.Count, 1);
      if (point.durationMs !== undefined) record('SagaDuration', MetricUnit.Milliseconds, point.durationMs);
    }
    tools.logger.info('saga event built', {
      sagaName: request.metadata.name,
      sagaId: request.metadata.sagaId,
      eventType: built.detailType,
      eventId: built.detail.eventId,
    });
    return built;
  },
);
