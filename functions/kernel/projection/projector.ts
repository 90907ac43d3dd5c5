import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../events/catalogue.js';
import { parseEvent } from '../events/parse.js';
import type { ReadRange } from '../store/index.js';
import { ProjectionError } from './errors.js';
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
  /** Views of one batch read and written at the same time (`projectBatch`). @default 8 */
  readonly parallelViews?: number;
  /** The clock `BatchOptions.retryUntil` is read against. @default Date.now */
  readonly now?: () => number;
}

export interface BatchOptions {
  /**
   * After clashes, keep trying past `maxAttempts` until this time (epoch ms): a batch costs one read and one
   * write per view, so many attempts fit in an invocation, and a view given up goes back to the queue and
   * spends one of its messages' receives. Two writers taking batches back to back can clash several times
   * in a row on one summary item.
   * @default - `maxAttempts` only
   */
  readonly retryUntil?: number;
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

/** What became of one event of a batch: an outcome, or the error that kept it out of its view. */
export type BatchItemResult =
  | { readonly ok: true; readonly outcome: ProjectionOutcome }
  | { readonly ok: false; readonly error: unknown };

export interface Projector<E extends DomainEvent = DomainEvent> {
  project(event: E): Promise<ProjectionOutcome>;
  /**
   * Many events at once (an SQS batch): each view they concern is read once, given all of its events in
   * order (per stream, by version) and written once, conditionally. One result per event, in the order given;
   * an event that cannot be applied gets an error and the others of its view are still written — except when
   * the write itself fails (clashes past `maxAttempts`, DynamoDB refuses it): then every event of that view
   * gets the error. Nothing throws.
   */
  projectBatch(events: readonly E[], options?: BatchOptions): Promise<BatchItemResult[]>;
}

/**
 * Keeps one read-model item per view key, idempotent by stream version and right whatever the delivery
 * order. Each item carries `_versions` (per contributing stream, the last version applied) and `_rev` (an
 * optimistic-concurrency counter: two invocations updating one view cannot lose each other's write). A
 * commutative projection (`Projection.commutative`) needs no `_versions`: every event is applied as it comes.
 */
export function createProjector<V extends View, E extends DomainEvent>(
  options: ProjectorOptions<V, E>,
): Projector<E> {
  const { client, tableName, projection, reader } = options;
  const { codec } = projection;
  const keyAttribute = projection.keyAttribute ?? 'id';
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const parallelViews = Math.max(1, options.parallelViews ?? 8);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;

  async function read(key: string): Promise<ViewState<V>> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: { [keyAttribute]: key }, ConsistentRead: true }),
    );
    return stateFromItem<V>(out.Item, codec);
  }

  async function write(key: string, state: ViewState<V>): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: itemFromState(state, keyAttribute, key, state.revision + 1, codec),
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

  /** The state after `event`, and what kind of delivery it was. */
  async function resolve(
    state: ViewState<V>,
    event: E,
    key: string,
  ): Promise<{ outcome: ProjectionOutcome; state: ViewState<V> }> {
    if (projection.commutative) {
      return { outcome: 'applied', state: applyEvents(state, [event], projection, key).state };
    }
    const current = state.versions[event.streamId] ?? 0;
    if (event.streamVersion <= current) return { outcome: 'duplicate', state };
    if (event.streamVersion === current + 1) {
      const result = applyEvents(state, [event, ...parked(state, event.streamId)], projection, key);
      return { outcome: 'applied', state: settle(result, event.streamId).state };
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
      return { outcome: 'caught-up', state: result.state };
    }
    if (state.pending[event.streamId]?.[String(event.streamVersion)]) return { outcome: 'duplicate', state };
    return { outcome: 'parked', state: park(state, event) };
  }

  /**
   * A commutative view keeps no versions and parks nothing; an item written before the projection said so
   * loses its versions, and its parked events are applied (in any order, it being commutative).
   */
  function withoutBookkeeping(state: ViewState<V>, key: string): ViewState<V> {
    if (Object.keys(state.versions).length === 0 && Object.keys(state.pending).length === 0) return state;
    const waiting = Object.keys(state.pending).flatMap((streamId) => parked(state, streamId));
    const applied = applyEvents(state, waiting, projection, key).state;
    return { ...applied, versions: {}, pending: {} };
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

  function park(state: ViewState<V>, event: E): ViewState<V> {
    const pending = {
      ...state.pending,
      [event.streamId]: {
        ...(state.pending[event.streamId] ?? {}),
        [String(event.streamVersion)]: JSON.stringify(event),
      },
    };
    return { ...state, pending };
  }

  /**
   * The order the events of one view are applied in: streams in the order they first arrived, each by
   * version, so a batch that holds a stream's gap and what follows it applies both instead of parking.
   */
  function applyOrder(events: readonly E[]): number[] {
    const order = events.map((_, i) => i);
    if (projection.commutative) return order;
    const firstSeen = new Map<string, number>();
    events.forEach((e, i) => {
      if (!firstSeen.has(e.streamId)) firstSeen.set(e.streamId, i);
    });
    return order.sort((a, b) => {
      const x = events[a]!;
      const y = events[b]!;
      return (
        firstSeen.get(x.streamId)! - firstSeen.get(y.streamId)! || x.streamVersion - y.streamVersion || a - b
      );
    });
  }

  /**
   * Every event applied to the state in memory, one at a time (per-event outcomes, an error kept to its
   * event) — or, for a commutative projection that can, all at once, and one at a time only if that throws.
   */
  async function applyAll(
    start: ViewState<V>,
    events: readonly E[],
    key: string,
  ): Promise<{ state: ViewState<V>; results: BatchItemResult[] }> {
    if (projection.commutative && projection.projectAll) {
      try {
        const state = applyEvents(start, events, projection, key).state;
        return { state, results: events.map(() => ({ ok: true, outcome: 'applied' })) };
      } catch {
        // One of them cannot be applied: find which, one at a time.
      }
    }
    let state = start;
    const results: BatchItemResult[] = new Array(events.length);
    for (const i of applyOrder(events)) {
      try {
        const next = await resolve(state, events[i]!, key);
        state = next.state;
        results[i] = { ok: true, outcome: next.outcome };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
    return { state, results };
  }

  /** One view: read once, every event applied in memory, one conditional write; again on a clash. */
  async function projectView(key: string, events: readonly E[], retryUntil = 0): Promise<BatchItemResult[]> {
    try {
      let attempt = 1;
      for (;;) {
        const before = await read(key);
        const start = projection.commutative ? withoutBookkeeping(before, key) : before;
        const { state, results } = await applyAll(start, events, key);
        if (!changed(before, state, results)) {
          return results.map((r) => (r.ok ? { ok: true, outcome: 'duplicate' } : r));
        }
        if (await write(key, state)) return results;
        const wait = Math.random() * Math.min(400, 25 * 2 ** attempt);
        if (attempt >= maxAttempts && now() + wait >= retryUntil) break;
        await sleep(wait);
        attempt++;
      }
      const error = new ProjectionError(
        'WRITE_CONTENTION',
        `${projection.name}: view ${key} changed under ${attempt} attempts; the delivery will be retried`,
        { view: key, eventIds: events.map((e) => e.eventId) },
      );
      return events.map(() => ({ ok: false, error }));
    } catch (error) {
      // Reading or writing the view failed (throttled, the item too large, ...): none of its events is in.
      return events.map(() => ({ ok: false, error }));
    }
  }

  function changed(before: ViewState<V>, after: ViewState<V>, results: readonly BatchItemResult[]): boolean {
    if (!projection.commutative) {
      return results.some((r) => r.ok && r.outcome !== 'duplicate');
    }
    // A redelivery leaves a commutative view as it was: compare what would be stored.
    const stored = (s: ViewState<V>) => canonicalJson(itemFromState(s, keyAttribute, '', 0, codec));
    return before.view === undefined ? after.view !== undefined : stored(before) !== stored(after);
  }

  async function projectBatch(events: readonly E[], batch: BatchOptions = {}): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = new Array(events.length);
    const byKey = new Map<string, number[]>();
    events.forEach((event, i) => {
      const key = projection.keyOf(event);
      if (key === undefined) results[i] = { ok: true, outcome: 'ignored' };
      else if (byKey.has(key)) byKey.get(key)!.push(i);
      else byKey.set(key, [i]);
    });
    const views = [...byKey];
    const next = async (): Promise<void> => {
      const view = views.shift();
      if (!view) return;
      const [key, indexes] = view;
      const out = await projectView(
        key,
        indexes.map((i) => events[i]!),
        batch.retryUntil,
      );
      indexes.forEach((i, j) => {
        results[i] = out[j]!;
      });
      return next();
    };
    await Promise.all(Array.from({ length: Math.min(parallelViews, views.length) }, next));
    return results;
  }

  async function project(event: E): Promise<ProjectionOutcome> {
    const [result] = await projectBatch([event]);
    if (!result!.ok) throw result!.error;
    return result!.outcome;
  }

  return { project, projectBatch };
}

/** JSON with object keys sorted: DynamoDB does not keep the order of a map's keys. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
