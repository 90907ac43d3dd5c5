import { describe, expect, it } from 'vitest';
import { breakerSettingsFromEnvironment } from '../../functions/kernel/resilience/index.js';
import { ConfigError, loadConfig, runtimeEnvironment } from '../../lib/config.js';

describe('resilience configuration', () => {
  it('carries per-circuit breaker overrides to the functions, where the kernel reads them', () => {
    const config = loadConfig({
      CIRCUIT_BREAKER_FAILURE_RATE_THRESHOLD: '0.25',
      CIRCUIT_BREAKER_CARRIER_RESET_TIMEOUT_SECONDS: '15',
    });
    expect(config.circuitBreaker.overrides).toEqual({ carrier: { resetTimeoutSeconds: 15 } });
    const env = runtimeEnvironment(config);
    expect(breakerSettingsFromEnvironment('carrier', env)).toMatchObject({
      failureRateThreshold: 0.25,
      resetTimeoutSeconds: 15,
    });
    expect(breakerSettingsFromEnvironment('payment-provider', env)).toMatchObject({
      resetTimeoutSeconds: 60,
    });
    expect(env.MAX_CAUSATION_DEPTH).toBe('16');
  });

  it('refuses a bad per-circuit value with one line naming the key', () => {
    expect(() => loadConfig({ CIRCUIT_BREAKER_PAYMENT_PROVIDER_SUCCESS_THRESHOLD: '0' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ CIRCUIT_BREAKER_PAYMENT_PROVIDER_SUCCESS_THRESHOLD: '0' })).toThrow(
      /CIRCUIT_BREAKER_PAYMENT_PROVIDER_SUCCESS_THRESHOLD="0".*an integer from 1 to 100/,
    );
  });

  it('reserves no concurrency on dev, the hot path’s Commands on prod, and RESERVED_CONCURRENCY over both', () => {
    expect(loadConfig({}).bulkheads.reservedConcurrency).toEqual({});
    expect(loadConfig({ STAGE: 'prod' }).bulkheads.reservedConcurrency).toMatchObject({
      'payments/Commands': 100,
      'orders/Commands': 100,
    });
    const config = loadConfig({
      STAGE: 'prod',
      RESERVED_CONCURRENCY: 'payments/Commands=40, analytics/Projector=5',
    });
    expect(config.bulkheads.reservedConcurrency).toMatchObject({
      'payments/Commands': 40,
      'analytics/Projector': 5,
      'orders/Commands': 100,
    });
    expect(() => loadConfig({ RESERVED_CONCURRENCY: 'payments/Commands=0' })).toThrow(/RESERVED_CONCURRENCY/);
    expect(() => loadConfig({ RESERVED_CONCURRENCY: 'payments=3' })).toThrow(/RESERVED_CONCURRENCY/);
  });
});
