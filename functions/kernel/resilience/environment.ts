import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KernelConfigurationError } from '../errors.js';
import { documentClient } from '../store/dynamodb.js';
import { CircuitBreaker } from './breaker.js';
import { powertoolsObserver } from './observability.js';
import {
  breakerSettingsFromEnvironment,
  CIRCUIT_BREAKER_ENABLED_ENV,
  CIRCUIT_BREAKER_TABLE_ENV,
  type CircuitName,
} from './settings.js';
import { type CircuitStateStore, dynamoCircuitStore } from './store.js';

/** The state store named by `CIRCUIT_BREAKER_TABLE` (short-fused client: see `dynamoCircuitStore`). */
export function circuitStoreFromEnvironment(
  options: {
    readonly capture?: (client: DynamoDBClient) => DynamoDBClient;
    readonly env?: Readonly<Record<string, string | undefined>>;
  } = {},
): CircuitStateStore {
  const tableName = (options.env ?? process.env)[CIRCUIT_BREAKER_TABLE_ENV];
  if (!tableName) {
    throw new KernelConfigurationError(
      `${CIRCUIT_BREAKER_TABLE_ENV} is not set: grant this function the circuit breaker table`,
    );
  }
  const raw = new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { requestTimeout: 1000, connectionTimeout: 500 },
  });
  return dynamoCircuitStore({
    tableName,
    client: documentClient(options.capture ? options.capture(raw) : raw),
  });
}

/**
 * A breaker for one dependency, configured from the function's environment. Build it at module scope (its
 * counts and cache live as long as the execution environment) and wrap each call:
 *
 *   const breaker = circuitBreakerFromEnvironment('payment-provider', { logger, metrics, isFailure });
 *   const charge = await breaker.call(() => provider.charge(request));   // CircuitOpenError when open
 */
export function circuitBreakerFromEnvironment(
  name: CircuitName,
  options: {
    readonly logger: Logger;
    readonly metrics: Metrics;
    readonly isFailure?: (error: unknown) => boolean;
    readonly capture?: (client: DynamoDBClient) => DynamoDBClient;
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly probeLeaseMs?: number;
  },
): CircuitBreaker {
  const env = options.env ?? process.env;
  const settings = breakerSettingsFromEnvironment(name, env);
  const enabled = env[CIRCUIT_BREAKER_ENABLED_ENV]?.trim() !== 'false';
  const store: CircuitStateStore = enabled
    ? circuitStoreFromEnvironment({ env, ...(options.capture ? { capture: options.capture } : {}) })
    : { get: async () => undefined, transition: async () => true, list: async () => [] };
  return new CircuitBreaker({
    name,
    settings,
    store,
    enabled,
    observer: powertoolsObserver(options),
    ...(options.isFailure ? { isFailure: options.isFailure } : {}),
    ...(options.probeLeaseMs ? { probeLeaseMs: options.probeLeaseMs } : {}),
  });
}
