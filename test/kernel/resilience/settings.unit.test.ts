import { describe, expect, it } from 'vitest';
import { KernelConfigurationError } from '../../../functions/kernel/errors.js';
import {
  breakerEnvironment,
  breakerSettingsFromEnvironment,
  DEFAULT_BREAKER_SETTINGS,
  listCircuits,
} from '../../../functions/kernel/resilience/index.js';
import { MemoryCircuitStore } from '../../helpers/circuits.js';

describe('breaker settings from the environment', () => {
  it('defaults to the issue: 5 in a row, rate 0.5 over 10 calls in 60 s, 2 successes, 60 s open, 5 s cache', () => {
    expect(breakerSettingsFromEnvironment('carrier', {})).toEqual({
      failureThreshold: 5,
      failureRateThreshold: 0.5,
      minimumVolume: 10,
      windowSeconds: 60,
      successThreshold: 2,
      resetTimeoutSeconds: 60,
      cacheSeconds: 5,
    });
  });

  it('takes a circuit’s own variable over the platform-wide one', () => {
    const env = {
      CIRCUIT_BREAKER_FAILURE_THRESHOLD: '7',
      CIRCUIT_BREAKER_PAYMENT_PROVIDER_FAILURE_THRESHOLD: '3',
      CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS: '20',
    };
    expect(breakerSettingsFromEnvironment('payment-provider', env)).toMatchObject({
      failureThreshold: 3,
      resetTimeoutSeconds: 20,
    });
    expect(breakerSettingsFromEnvironment('carrier', env)).toMatchObject({ failureThreshold: 7 });
  });

  it('refuses a value out of bounds with a typed error naming the variable', () => {
    expect(() =>
      breakerSettingsFromEnvironment('carrier', { CIRCUIT_BREAKER_CARRIER_FAILURE_RATE_THRESHOLD: '1.5' }),
    ).toThrow(KernelConfigurationError);
    expect(() =>
      breakerSettingsFromEnvironment('carrier', { CIRCUIT_BREAKER_SUCCESS_THRESHOLD: 'two' }),
    ).toThrow(/CIRCUIT_BREAKER_SUCCESS_THRESHOLD.*an integer from 1 to 100/);
  });

  it('round-trips through the variables the stacks set', () => {
    const env = breakerEnvironment(
      { ...DEFAULT_BREAKER_SETTINGS, minimumVolume: 4 },
      { carrier: { resetTimeoutSeconds: 15 } },
    );
    expect(env.CIRCUIT_BREAKER_CARRIER_RESET_TIMEOUT_SECONDS).toBe('15');
    expect(env.CIRCUIT_BREAKER_PAYMENT_PROVIDER_RESET_TIMEOUT_SECONDS).toBeUndefined();
    expect(breakerSettingsFromEnvironment('carrier', env)).toMatchObject({
      minimumVolume: 4,
      resetTimeoutSeconds: 15,
    });
    expect(breakerSettingsFromEnvironment('payment-provider', env)).toMatchObject({
      resetTimeoutSeconds: 60,
    });
  });
});

describe('listCircuits', () => {
  it('lists every known circuit, CLOSED with no failures before it has state', async () => {
    const store = new MemoryCircuitStore();
    await store.transition(
      {
        name: 'carrier',
        state: 'OPEN',
        version: 1,
        failureCount: 5,
        openedAt: Date.parse('2026-12-05T00:00:00Z'),
        nextAttemptAt: Date.parse('2026-12-05T00:01:00Z'),
        halfOpenSuccesses: 0,
        updatedAt: 0,
      },
      0,
    );
    expect(await listCircuits(store)).toEqual([
      { name: 'payment-provider', state: 'CLOSED', failureCount: 0, openedAt: null, nextAttemptAt: null },
      {
        name: 'carrier',
        state: 'OPEN',
        failureCount: 5,
        openedAt: '2026-12-05T00:00:00.000Z',
        nextAttemptAt: '2026-12-05T00:01:00.000Z',
      },
    ]);
  });
});
