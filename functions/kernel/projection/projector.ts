import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { KernelError } from '../errors.js';
import type { DomainEvent } from '../events/catalogue.js';
import { parseEvent } from '../events/parse.js';
import type { ReadRange } from '../store/event-store.js';
import {
  type Applied,
  applyEvents,
  itemFromState,
  META,
  type Projection,
  stateFromItem,
  type View,
  type ViewState,
} from './view.js';

/** Where a projector catches up from on a gap: the service's own event store (`EventStore` fits). */
export interface StreamReader<E extends DomainEvent = DomainEvent> {
  load(streamId: string, range?: ReadRange): Promise<{ readonly events: readonly E[] }>;
}

export interface ProjectorOptions<V extends View, E extends DomainEvent> {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly projection: Projection<V, E>;
  /**
   * The service's own event store. With it, an event that arrives ahead of a gap makes the projector read
   * the missing versions from the store and apply them first (the store has no gaps: every version below
   * an appended one is committed). Without it (projecting another service's events), the early event is
   * parked in the view item until the gap fills; that needs every version of a contributing stream to be
   * delivered to this projector.
   */
  readonly reader?: StreamReader<E>;
  /** Attempts on a write clash with another projector invocation. @default 5 */
  readonly maxAttempts?: number;
  /**
   * Waits between attempts after a clash: full jitter on 25 ms × 2^attempt, at most 400 ms, so writers racing
   * for one view (a single-item summary) spread out instead of clashing again at once.
   * @default a timer
   */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type ProjectionOutcome =
  /** The event concerns no view of this read model. */
  | 'ignored'
  /** Already applied (a redelivery): nothing written. */
  | 'duplicate'
  /** Applied in order. */
  | 'applied'
  /** Applied after the missing versions were read from the store and applied first. */
  | 'caught-up'
  /** Ahead of a gap and no store to read from: kept in the item until the gap fills. */
  | 'parked';

export interface Projector<E extends DomainEvent = DomainEvent> {
  project(event: E): Promise<ProjectionOutcome>;
}

export type ProjectionErrorCode = 'WRITE_CONTENTION' | 'GAP_NOT_IN_STORE';

export class ProjectionError extends KernelError {
  override readonly name = 'ProjectionError';
  constructor(
    readonly code: ProjectionErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Keeps one read-model item per view key, idempotent by stream version and right whatever the delivery
 * order. Each item carries `_versions` (per contributing stream, the last version applied) and `_rev` (an
 * optimistic-concurrency counter: two invocations updating one view cannot lose each other's write).
 */
export function createProjector<V extends View, E extends DomainEvent>(
  options: ProjectorOptions<V, E>,
): Projector<E> {
  const { client, tableName, projection, reader } = options;
  const keyAttribute = projection.keyAttribute ?? 'id';
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function read(key: string): Promise<ViewState<V>> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: { [keyAttribute]: key }, ConsistentRead: true }),
    );
    return stateFromItem<V>(out.Item);
  }

  async function write(key: string, state: ViewState<V>): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: itemFromState(state, keyAttribute, key, state.revision + 1),
          ...(state.revision === 0
            ? {
                ConditionExpression: 'attribute_not_exists(#k)',
                ExpressionAttributeNames: { '#k': keyAttribute },
              }
            : {
                ConditionExpression: '#r = :r',
                ExpressionAttributeNames: { '#r': META.revision },
                ExpressionAttributeValues: { ':r': state.revision },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** The events to apply for `event`, and what kind of delivery it was. */
  async function resolve(
    state: ViewState<V>,
    event: E,
    key: string,
  ): Promise<{ outcome: ProjectionOutcome; result: Applied<V> } | { outcome: 'duplicate' }> {
    const current = state.versions[event.streamId] ?? 0;
    if (event.streamVersion <= current) return { outcome: 'duplicate' };
    if (event.streamVersion === current + 1) {
      const result = applyEvents(state, [event, ...parked(state, event.streamId)], projection, key);
      return { outcome: 'applied', result: settle(result, event.streamId) };
    }
    if (reader) {
      const missing = await reader.load(event.streamId, { after: current, through: event.streamVersion - 1 });
      const result = applyEvents(state, [...missing.events, event], projection, key);
      if (result.beyondGap.length > 0) {
        throw new ProjectionError(
          'GAP_NOT_IN_STORE',
          `${projection.name}: versions ${current + 1}..${event.streamVersion - 1} of ${event.streamId} are not in the store`,
          { streamId: event.streamId, view: key },
        );
      }
      return { outcome: 'caught-up', result };
    }
    const result = applyEvents(state, [], projection, key);
    return { outcome: 'parked', result: park(result, event) };
  }

  /** Parked events of a stream, decoded (they were validated when they arrived). */
  function parked(state: ViewState<V>, streamId: string): E[] {
    return Object.values(state.pending[streamId] ?? {}).map((json) => parseEvent(JSON.parse(json)) as E);
  }

  /** After applying in order, whatever is still beyond a gap stays parked; the rest leaves the item. */
  function settle(result: Applied<V>, streamId: string): Applied<V> {
    const left = result.beyondGap.filter((e) => e.streamId === streamId);
    const pending = { ...result.state.pending };
    delete pending[streamId];
    if (left.length > 0) {
      pending[streamId] = Object.fromEntries(left.map((e) => [String(e.streamVersion), JSON.stringify(e)]));
    }
    return { ...result, state: { ...result.state, pending } };
  }

  function park(result: Applied<V>, event: E): Applied<V> {
    const pending = {
      ...result.state.pending,
      [event.streamId]: {
        ...(result.state.pending[event.streamId] ?? {}),
        [String(event.streamVersion)]: JSON.stringify(event),
      },
    };
    return { ...result, state: { ...result.state, pending } };
  }

  async function project(event: E): Promise<ProjectionOutcome> {
    const key = projection.keyOf(event);
    if (key === undefined) return 'ignored';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const state = await read(key);
      const resolved = await resolve(state, event, key);
      if (resolved.outcome === 'duplicate') return 'duplicate';
      if (resolved.outcome === 'parked' && state.pending[event.streamId]?.[String(event.streamVersion)]) {
        return 'duplicate';
      }
      if (await write(key, resolved.result.state)) return resolved.outcome;
      if (attempt < maxAttempts) await sleep(Math.random() * Math.min(400, 25 * 2 ** attempt));
    }
    throw new ProjectionError(
      'WRITE_CONTENTION',
      `${projection.name}: view ${key} changed under ${maxAttempts} attempts; the delivery will be retried`,
      { view: key, eventId: event.eventId },
    );
  }

  return { project };
}
