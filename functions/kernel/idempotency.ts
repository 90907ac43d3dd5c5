import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { KernelConfigurationError } from './errors.js';
import type { EventEnvelope } from './events/envelope.js';

/**
 * Powertools idempotency for CommerceForge handlers. EventBridge, DynamoDB Streams and SQS deliver at least
 * once; wrapped, the same event delivered twice has one effect: the first run's result is stored (DynamoDB,
 * table from the `IdempotencyTable` construct: partition `id`, TTL `expiration`) and returned to the second,
 * which does not run. A run that throws leaves no record, so the redelivery runs again.
 *
 * The key is the envelope's eventId, not a hash of the whole payload: a redelivery of one event (an
 * EventBridge retry, an archive replay) carries other outer fields (`id`, `time`) but the same envelope.
 */

/** The environment variable the table name arrives in (set by `IdempotencyTable.grant`). */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE_NAME';

export interface IdempotencyOptions<E> {
  /** @default process.env.IDEMPOTENCY_TABLE_NAME */
  readonly tableName?: string;
  /** Created by the adapter (traced, pointed at the local endpoint). @default a new DynamoDBClient */
  readonly client?: DynamoDBClient;
  /** Injected for tests or another store. @default DynamoDB, on `tableName` */
  readonly persistenceStore?: BasePersistenceLayer;
  /** The idempotency key of an invocation. @default the eventId of its envelope (`idempotencyKeyOf`) */
  readonly key?: (event: E) => string;
  /**
   * How long a completed record is kept: a redelivery later than this runs again. EventBridge retries a
   * delivery for up to 24 hours, Lambda keeps an asynchronous event up to 6, and redrives from the DLQs and
   * failure queues come later, so the default is a day.
   * @default 86_400
   */
  readonly expiresAfterSeconds?: number;
  /**
   * Separates the keys of different handlers sharing a table.
   * @default Powertools' default: the function name (AWS_LAMBDA_FUNCTION_NAME)
   */
  readonly scope?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** The eventId of an envelope, an EventBridge event (`detail`), or a task input holding one (`envelope`). */
export function idempotencyKeyOf(event: unknown): string {
  if (isObj(event)) {
    for (const candidate of [event, event.detail, event.envelope, event.event]) {
      if (isObj(candidate) && typeof candidate.eventId === 'string' && candidate.eventId.length > 0) {
        return candidate.eventId;
      }
    }
  }
  // Running without a key would silently run twice: refuse instead, so the gap is found in tests.
  throw new KernelConfigurationError(
    'no envelope eventId in this invocation: pass `key` to say what makes two invocations the same',
  );
}

function persistence<E>(options: IdempotencyOptions<E>): () => BasePersistenceLayer {
  let store = options.persistenceStore;
  return () => {
    if (store) return store;
    const tableName = options.tableName ?? process.env[IDEMPOTENCY_TABLE_ENV];
    if (!tableName) {
      throw new KernelConfigurationError(
        `${IDEMPOTENCY_TABLE_ENV} is not set: grant this function the idempotency table`,
      );
    }
    store = new DynamoDBPersistenceLayer(
      options.client ? { tableName, awsSdkV3Client: options.client } : { tableName },
    );
    return store;
  };
}

/**
 * A function keyed by an explicit string, made idempotent once (Powertools keeps per-wrapper state, so a
 * wrapper is built on first use and reused by warm invocations).
 */
function keyed<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  options: IdempotencyOptions<never>,
): { run: (key: string, context: Context | undefined, ...args: A) => Promise<R> } {
  const config = new IdempotencyConfig({ expiresAfterSeconds: options.expiresAfterSeconds ?? 86_400 });
  const store = persistence(options);
  let wrapped: ((key: string, ...args: A) => Promise<R>) | undefined;
  return {
    run: (key, context, ...args) => {
      wrapped ??= makeIdempotent(async (_key: string, ...rest: A) => fn(...rest), {
        persistenceStore: store(),
        config,
        keyPrefix: options.scope,
        dataIndexArgument: 0,
      } as never) as (key: string, ...args: A) => Promise<R>;
      // The in-progress record expires with the invocation: a timed-out run does not block the retry.
      if (context) config.registerLambdaContext(context);
      return wrapped(key, ...args);
    },
  };
}

/**
 * Wrap a whole Lambda handler: the invocation's envelope eventId is the key (EventBridge targets, Step
 * Functions tasks given an envelope). Compose it inside `withObservability`, so a skipped duplicate is
 * still logged and traced:
 *
 *   export const handler = withObservability({ service: 'payments' },
 *     withIdempotency(async (event, context, tools) => { ... }));
 */
export function withIdempotency<E, R, T extends unknown[] = []>(
  handler: (event: E, context: Context, ...rest: T) => Promise<R>,
  options: IdempotencyOptions<E> = {},
): (event: E, context: Context, ...rest: T) => Promise<R> {
  const key = options.key ?? idempotencyKeyOf;
  const inner = keyed(handler, options as IdempotencyOptions<never>);
  return (event, context, ...rest) => inner.run(key(event), context, event, context, ...rest);
}

/**
 * Make one unit of work per event idempotent, for handlers that receive several (an SQS batch, a stream
 * batch): `const applyOnce = idempotentPerEvent(async (envelope) => ...)`, then `await applyOnce(envelope)`
 * per record. The key is the envelope's eventId.
 */
export function idempotentPerEvent<R, T extends unknown[] = []>(
  fn: (envelope: EventEnvelope, ...rest: T) => Promise<R>,
  options: Omit<IdempotencyOptions<EventEnvelope>, 'key'> & {
    readonly context?: () => Context | undefined;
  } = {},
): (envelope: EventEnvelope, ...rest: T) => Promise<R> {
  const inner = keyed(fn, options as IdempotencyOptions<never>);
  return (envelope, ...rest) => inner.run(envelope.eventId, options.context?.(), envelope, ...rest);
}
