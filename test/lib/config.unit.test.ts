import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig, runtimeEnvironment } from '../../lib/config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.stage).toBe('dev');
    expect(config.account).toBeUndefined();
    expect(config.logLevel).toBe('INFO');
    expect(config.tracing).toEqual({ enabled: true, samplingRate: 0.1 });
    expect(config.chaos).toEqual({
      enabled: true,
      monkey: { enabled: false, probability: 0.1, hours: [9, 17], timeZone: 'UTC' },
    });
    expect(config.circuitBreaker).toEqual({
      enabled: true,
      failureThreshold: 5,
      failureRateThreshold: 0.5,
      minimumVolume: 10,
      windowSeconds: 60,
      successThreshold: 2,
      resetTimeoutSeconds: 60,
      cacheSeconds: 5,
      overrides: {},
    });
    expect(config.bulkheads).toEqual({ reservedConcurrency: {}, projectorMaxConcurrency: 2 });
    expect(config.maxCausationDepth).toBe(16);
    expect(config.retry.maxAttempts).toBe(3);
  });

  it('reads every knob under the name users know', () => {
    const config = loadConfig({
      STAGE: 'prod',
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'eu-west-1',
      LOG_LEVEL: 'DEBUG',
      TRACING_ENABLED: 'false',
      TRACING_SAMPLING_RATE: '0.5',
      CHAOS_ENABLED: 'true',
      CHAOS_MONKEY_ENABLED: 'true',
      CHAOS_MONKEY_PROBABILITY: '0.25',
      CHAOS_MONKEY_HOURS: '8-18',
      CHAOS_MONKEY_TIMEZONE: 'Europe/Paris',
      CIRCUIT_BREAKER_ENABLED: 'false',
      CIRCUIT_BREAKER_FAILURE_THRESHOLD: '3',
      CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS: '60',
      RETRY_MAX_ATTEMPTS: '5',
    });
    expect(config).toMatchObject({
      stage: 'prod',
      account: '123456789012',
      region: 'eu-west-1',
      logLevel: 'DEBUG',
      tracing: { enabled: false, samplingRate: 0.5 },
      chaos: {
        enabled: true,
        monkey: { enabled: true, probability: 0.25, hours: [8, 18], timeZone: 'Europe/Paris' },
      },
      circuitBreaker: { enabled: false, failureThreshold: 3, resetTimeoutSeconds: 60 },
      retry: { maxAttempts: 5 },
    });
    expect(runtimeEnvironment(config)).toMatchObject({
      CHAOS_MONKEY_ENABLED: 'true',
      CHAOS_MONKEY_PROBABILITY: '0.25',
      RETRY_MAX_ATTEMPTS: '5',
    });
  });

  it('makes dev and prod differ in retention, removal and API keys', () => {
    const dev = loadConfig({ STAGE: 'dev' }).stageDefaults;
    const prod = loadConfig({ STAGE: 'prod' }).stageDefaults;
    expect(dev.retainData).toBe(false);
    expect(prod.retainData).toBe(true);
    expect(dev.apiKeyEnabled).toBe(true);
    expect(prod.apiKeyEnabled).toBe(false);
    expect(prod.logRetentionDays).toBeGreaterThan(dev.logRetentionDays);
  });

  it('reads the IAM admin allow-list (ADMIN_ROLE_ARNS): none by default, role ARNs comma-separated', () => {
    expect(loadConfig({}).adminRoleArns).toEqual([]);
    const ops = 'arn:aws:iam::123456789012:role/ops/commerceforge-operator';
    expect(
      loadConfig({ ADMIN_ROLE_ARNS: ` ${ops}, arn:aws:iam::123456789012:user/ci ` }).adminRoleArns,
    ).toEqual([ops, 'arn:aws:iam::123456789012:user/ci']);
    for (const bad of ['*', 'arn:aws:iam::123456789012:*', 'arn:aws:sts::123456789012:assumed-role/ops/s']) {
      expect(() => loadConfig({ ADMIN_ROLE_ARNS: bad })).toThrow(/ADMIN_ROLE_ARNS/);
    }
  });

  it('enables chaos on dev and not on prod unless CHAOS_ENABLED says so; the monkey only where chaos is', () => {
    expect(loadConfig({ STAGE: 'dev' }).chaos.enabled).toBe(true);
    expect(loadConfig({ STAGE: 'prod' }).chaos.enabled).toBe(false);
    expect(loadConfig({ STAGE: 'prod', CHAOS_ENABLED: 'true' }).chaos.enabled).toBe(true);
    expect(loadConfig({ STAGE: 'dev', CHAOS_ENABLED: 'false' }).chaos.enabled).toBe(false);
    expect(loadConfig({ STAGE: 'prod' }).chaos.monkey.enabled).toBe(false);
    expect(() => loadConfig({ STAGE: 'prod', CHAOS_MONKEY_ENABLED: 'true' })).toThrow(
      /CHAOS_MONKEY_ENABLED.*CHAOS_ENABLED=true/,
    );
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ STAGE: '  ', RETRY_MAX_ATTEMPTS: '' }).retry.maxAttempts).toBe(3);
  });

  it.each([
    ['STAGE', 'staging', 'one of dev, prod'],
    ['LOG_LEVEL', 'verbose', 'one of DEBUG, INFO, WARN, ERROR'],
    ['TRACING_ENABLED', 'yes', '"true" or "false"'],
    ['TRACING_SAMPLING_RATE', '1.5', 'a number from 0 to 1'],
    ['TRACING_SAMPLING_RATE', 'abc', 'a number from 0 to 1'],
    ['CHAOS_MONKEY_PROBABILITY', '-0.1', 'a number from 0 to 1'],
    ['CHAOS_ENABLED', 'on', '"true" or "false"'],
    ['CHAOS_MONKEY_HOURS', '17-9', 'whole hours from 0 to 24 with from < to'],
    ['CHAOS_MONKEY_HOURS', '9-25', 'whole hours from 0 to 24 with from < to'],
    ['CHAOS_MONKEY_TIMEZONE', 'Mars/Olympus', 'an IANA time zone'],
    ['CIRCUIT_BREAKER_FAILURE_THRESHOLD', '2.5', 'an integer from 1 to 100'],
    ['RETRY_MAX_ATTEMPTS', '11', 'an integer from 0 to 10'],
    ['CDK_DEFAULT_ACCOUNT', '1234', 'a 12-digit AWS account id'],
  ])('refuses %s=%s with one line naming the key and what is allowed', (key, value, allowed) => {
    let error: unknown;
    try {
      loadConfig({ [key]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.key).toBe(key);
    expect(configError.message).not.toContain('\n');
    expect(configError.message).toContain(key);
    expect(configError.message).toContain(allowed);
  });

  it('knows every knob the platform documents', () => {
    expect(CONFIG_KEYS).toEqual(
      expect.arrayContaining([
        'TRACING_ENABLED',
        'TRACING_SAMPLING_RATE',
        'CHAOS_ENABLED',
        'CHAOS_MONKEY_ENABLED',
        'CHAOS_MONKEY_PROBABILITY',
        'CHAOS_MONKEY_HOURS',
        'CHAOS_MONKEY_TIMEZONE',
        'CIRCUIT_BREAKER_ENABLED',
        'RETRY_MAX_ATTEMPTS',
      ]),
    );
  });
});
