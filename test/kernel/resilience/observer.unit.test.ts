import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  CircuitBreaker,
  DEFAULT_BREAKER_SETTINGS,
  powertoolsObserver,
} from '../../../functions/kernel/resilience/index.js';
import { FakeClock, MemoryCircuitStore } from '../../helpers/circuits.js';

let spies: MockInstance[] = [];
const lines = () =>
  spies.flatMap((s) => s.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>));

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => undefined),
  );
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the Powertools observer', () => {
  it('given a circuit that opens, then one log line and EMF metrics with the circuit as dimension', async () => {
    const observer = powertoolsObserver({
      logger: new Logger({ serviceName: 'payments' }),
      metrics: new Metrics({ serviceName: 'payments', namespace: 'CommerceForgeTest' }),
    });
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      name: 'payment-provider',
      settings: DEFAULT_BREAKER_SETTINGS,
      store: new MemoryCircuitStore(),
      now: clock.now,
      observer,
    });
    for (let i = 0; i < 6; i++) await breaker.call(() => Promise.reject(new Error('outage'))).catch(() => {});

    const transition = lines().filter((l) => l.message === 'circuit breaker transition');
    expect(transition).toHaveLength(1);
    expect(transition[0]).toMatchObject({
      circuit: 'payment-provider',
      from: 'CLOSED',
      to: 'OPEN',
      failureCount: 5,
      nextAttemptAt: new Date(clock.ms + 60_000).toISOString(),
    });
    const metrics = lines().filter((l) => '_aws' in l);
    const named = (name: string) => metrics.filter((m) => name in m);
    expect(named('CircuitBreakerTransition')).toEqual([
      expect.objectContaining({ circuit: 'payment-provider', to: 'OPEN', CircuitBreakerTransition: 1 }),
    ]);
    expect(named('CircuitBreakerOpened')).toHaveLength(1);
    // The sixth call was refused without reaching the dependency.
    expect(named('CircuitBreakerRejected')).toEqual([
      expect.objectContaining({ circuit: 'payment-provider' }),
    ]);
  });

  it('given an unreachable table, then a warning and CircuitBreakerStateUnavailable', async () => {
    const store = new MemoryCircuitStore();
    store.down = true;
    const breaker = new CircuitBreaker({
      name: 'carrier',
      settings: DEFAULT_BREAKER_SETTINGS,
      store,
      observer: powertoolsObserver({
        logger: new Logger({ serviceName: 'shipping' }),
        metrics: new Metrics({ serviceName: 'shipping', namespace: 'CommerceForgeTest' }),
      }),
    });
    expect(await breaker.call(async () => 'shipped')).toBe('shipped');
    expect(lines().filter((l) => l.level === 'WARN')).toEqual([
      expect.objectContaining({ circuit: 'carrier', operation: 'read' }),
    ]);
    expect(lines().filter((l) => 'CircuitBreakerStateUnavailable' in l)).toHaveLength(1);
  });
});
