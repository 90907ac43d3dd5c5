import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KernelConfigurationError } from '../errors.js';
import type { DomainEvent } from '../events/catalogue.js';
import { createEventStore, type EventStore } from './event-store.js';

/** The environment variable a function's event store table arrives in (set by `EventStore.grantAppend`). */
export const EVENT_STORE_TABLE_ENV = 'EVENT_STORE_TABLE_NAME';

/**
 * The document client every store and projector of a function shares: `undefined` fields are dropped (an
 * optional field of a view or event is absent, not an error), numbers come back as numbers.
 */
export function documentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * The event store named by EVENT_STORE_TABLE_NAME, for handlers (call it at module scope: the client is
 * reused by warm invocations). `capture` lets the Tracer trace the client.
 */
export function eventStoreFromEnvironment<E extends DomainEvent = DomainEvent>(
  options: {
    readonly capture?: (client: DynamoDBClient) => DynamoDBClient;
    readonly env?: Record<string, string | undefined>;
  } = {},
): EventStore<E> {
  const env = options.env ?? process.env;
  const tableName = env[EVENT_STORE_TABLE_ENV];
  if (!tableName) {
    throw new KernelConfigurationError(
      `${EVENT_STORE_TABLE_ENV} is not set: grant this function the event store`,
    );
  }
  const raw = new DynamoDBClient({});
  return createEventStore<E>({
    client: documentClient(options.capture ? options.capture(raw) : raw),
    tableName,
  });
}
