import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Decider, type Fact, fold } from '../domain/decider.js';
import { ConcurrencyError } from '../domain/errors.js';
import type { DomainEvent } from '../events/catalogue.js';
import type { EventEnvelope } from '../events/envelope.js';
import { parseEvent } from '../events/parse.js';
import { batchGetAll } from './batch-get.js';
import { EventStoreError, GuardConflictError } from './errors.js';
import {
  envelopeOf,
  ITEM_KINDS,
  KEY,
  MAX_SNAPSHOT_BYTES,
  MAX_TRANSACTION_BYTES,
  MAX_TRANSACTION_ITEMS,
  META_VERSION,
  toEventItem,
} from './items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface EventStoreOptions {
  /** A document client (`DynamoDBDocumentClient.from(new DynamoDBClient({}))`), created by the adapter. */
  readonly client: DynamoDBDocumentClient;
  /** The service's event store table (the `EventStore` construct passes it as EVENT_STORE_TABLE_NAME). */
  readonly tableName: string;
}

/** Events to append to one stream, whose current version the writer read as `expectedVersion`. */
export interface StreamWrite {
  readonly streamId: string;
  /** 0 for a new stream. */
  readonly expectedVersion: number;
  /** Envelopes with streamVersion expectedVersion+1, +2, … (createEvent builds them). */
  readonly events: readonly EventEnvelope[];
}

/**
 * A uniqueness claim written in the same transaction as the events, e.g. `{ key: 'email#ada@example.com',
 * rule: 'email-unique' }`. If the item exists, nothing of the transaction is written and the append throws
 * a GuardConflictError naming `rule` and `key`.
 */
export interface GuardClaim {
  readonly key: string;
  readonly rule: string;
  /** Who holds the claim. @default the streamId of the first write */
  readonly owner?: string;
}

export interface AppendOptions {
  readonly guards?: readonly GuardClaim[];
  /**
   * Guards to give back in the same transaction (e.g. the old address of an email change), so the events and
   * the release are written together or not at all. Each is deleted only if `owner` holds it; one gone already
   * is fine (a retried command); one held by someone else cancels the whole append (GUARD_NOT_HELD).
   */
  readonly releases?: readonly GuardClaim[];
  /**
   * Each write's `expectedVersion` is what a read of its stream just returned (`handleCommand` passes it),
   * not a caller's claim: a stale one still clashes on the next version's item, and one ahead of the stream
   * cannot happen, so the check that the predecessor exists is left out. One event then goes as one
   * conditional PutItem — a write unit per KB — instead of a transaction of a check and a put, which costs
   * four times that (two per KB per item). Without it every append checks its predecessor.
   * @default false
   */
  readonly versionFromRead?: boolean;
}

export interface Appended {
  readonly streamId: string;
  /** The stream's version after the append (the last event's streamVersion). */
  readonly version: number;
  readonly events: readonly EventEnvelope[];
}

export interface LoadedStream<E> {
  readonly streamId: string;
  /** The version of the last event read (or `after` when there was none). */
  readonly version: number;
  /** Validated and upcast to the newest version of each type. */
  readonly events: readonly E[];
}

export interface ReadRange {
  /** Read events with a version above this. @default 0 */
  readonly after?: number;
  /** Read up to and including this version. @default the end of the stream */
  readonly through?: number;
}

/**
 * When and how to snapshot a stream's state. The state must survive `serialize` → JSON → `deserialize`
 * (the defaults are the identity: plain JSON data). Bump `revision` whenever the state's shape changes:
 * snapshots of another revision are ignored and the stream is folded from its first event.
 */
export interface SnapshotPolicy<S> {
  /** Take a snapshot when an append crosses a multiple of this many events. */
  readonly every: number;
  /** @default '1' */
  readonly revision?: string;
  readonly serialize?: (state: S) => unknown;
  readonly deserialize?: (raw: unknown) => S;
}

export interface Snapshot<S> {
  readonly streamId: string;
  /** The version of the last event folded into `state`. */
  readonly version: number;
  readonly state: S;
}

export interface Rehydrated<S> {
  readonly state: S;
  readonly version: number;
  /** The version of the snapshot the fold started from; 0 when it started from the initial state. */
  readonly snapshotVersion: number;
  /** Events read and folded after the snapshot. */
  readonly eventsFolded: number;
}

export type SnapshotOutcome = 'written' | 'skipped';

export interface EventStore<E extends DomainEvent = DomainEvent> {
  readonly tableName: string;
  /** Append to one stream; throws ConcurrencyError if `expectedVersion` is not the stream's version. */
  append(
    streamId: string,
    expectedVersion: number,
    events: readonly EventEnvelope[],
    options?: AppendOptions,
  ): Promise<Appended>;
  /** Append to several streams (and claim guards) in one transaction: all of it is written or none. */
  appendMany(writes: readonly StreamWrite[], options?: AppendOptions): Promise<Appended[]>;
  /** Events of one stream in version order, validated and upcast (strongly consistent read). */
  load(streamId: string, range?: ReadRange): Promise<LoadedStream<E>>;
  /** The stored envelopes exactly as appended (JSON-parsed, not validated or upcast). */
  loadRaw(streamId: string, range?: ReadRange): Promise<unknown[]>;
  /** Every event in the table (scan order: streams interleaved, versions ascending within a partition). */
  readAll(): AsyncIterable<E>;
  /** Snapshot (if any, of the right revision) + the events after it, folded with the decider. */
  rehydrate<S, F extends Fact>(
    streamId: string,
    decider: Pick<Decider<unknown, S, F>, 'initialState' | 'evolve'>,
    snapshots?: SnapshotPolicy<S>,
  ): Promise<Rehydrated<S>>;
  loadSnapshot<S>(streamId: string, policy: SnapshotPolicy<S>): Promise<Snapshot<S> | undefined>;
  /**
   * Which of these events the store holds as given — the same eventId at its stream and version — read in
   * batches of 100 keys (strongly consistent BatchGetItem), whatever their streams.
   */
  heldEventIds(events: readonly StoredEventRef[]): Promise<Set<string>>;
  /** Write the stream's snapshot unless a newer one is there already, or it is too large to be worth it. */
  saveSnapshot<S>(snapshot: Snapshot<S>, policy: SnapshotPolicy<S>): Promise<SnapshotOutcome>;
}

/** What each transaction item is, so a cancellation reason can be traced back to a stream or a guard. */
type Operation =
  | { readonly kind: 'stream'; readonly streamId: string; readonly expectedVersion: number }
  | { readonly kind: 'guard'; readonly key: string; readonly rule: string }
  | { readonly kind: 'release'; readonly key: string; readonly rule: string };

export function createEventStore<E extends DomainEvent = DomainEvent>(
  options: EventStoreOptions,
): EventStore<E> {
  const { client, tableName } = options;

  /**
   * One event to one stream, no guards, and no predecessor to check: a conditional PutItem. An SDK retry of a
   * put whose answer was lost finds its own event there (same eventId): that is success, as the transaction's
   * ClientRequestToken makes it for the others.
   */
  async function putOne(write: StreamWrite): Promise<Appended[]> {
    const event = write.events[0]!;
    const { item } = toEventItem(event);
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#v)',
          ExpressionAttributeNames: { '#v': KEY.sort },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name !== 'ConditionalCheckFailedException') throw translateWriteError(error, []);
      // The error carries the item in DynamoDB's wire form (the document client does not convert errors).
      const existing = (error as { Item?: Record<string, { S?: string } | string> }).Item?.eventId;
      const existingId = typeof existing === 'string' ? existing : existing?.S;
      if (existingId !== event.eventId) {
        throw concurrency(
          { kind: 'stream', streamId: write.streamId, expectedVersion: write.expectedVersion },
          error,
        );
      }
    }
    return [{ streamId: write.streamId, version: write.expectedVersion + 1, events: write.events }];
  }

  async function appendMany(writes: readonly StreamWrite[], appendOptions: AppendOptions = {}) {
    const guards = appendOptions.guards ?? [];
    const claimed = new Set(guards.map((g) => g.key));
    // Giving back what the same append claims again (an address changed to itself) would be two operations
    // on one item, which DynamoDB refuses: the claim already holds it.
    const releases = (appendOptions.releases ?? []).filter((r) => !claimed.has(r.key));
    if (writes.length === 0) throw new EventStoreError('INVALID_APPEND', 'nothing to append');
    const checkPredecessor = (write: StreamWrite) =>
      write.expectedVersion > 0 && appendOptions.versionFromRead !== true;
    const only = writes[0]!;
    if (
      writes.length === 1 &&
      guards.length === 0 &&
      releases.length === 0 &&
      only.events.length === 1 &&
      !checkPredecessor(only)
    ) {
      checkWrite(only, new Set());
      // toEventItem refuses an event above EventBridge's entry limit, far below an item's 400 KB.
      return putOne(only);
    }
    const items: TransactItem[] = [];
    const operations: Operation[] = [];
    let bytes = 0;
    const seen = new Set<string>();
    for (const write of writes) {
      checkWrite(write, seen);
      const op: Operation = {
        kind: 'stream',
        streamId: write.streamId,
        expectedVersion: write.expectedVersion,
      };
      if (checkPredecessor(write)) {
        // The predecessor must exist: an expectedVersion ahead of the stream would otherwise leave a gap that
        // projectors would wait on forever.
        items.push({
          ConditionCheck: {
            TableName: tableName,
            Key: { [KEY.partition]: write.streamId, [KEY.sort]: write.expectedVersion },
            ConditionExpression: 'attribute_exists(#v)',
            ExpressionAttributeNames: { '#v': KEY.sort },
          },
        });
        operations.push(op);
      }
      for (const event of write.events) {
        const { item, bytes: size } = toEventItem(event);
        bytes += size;
        items.push({
          Put: {
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#v)',
            ExpressionAttributeNames: { '#v': KEY.sort },
          },
        });
        operations.push(op);
      }
    }
    const owner = writes[0]!.streamId;
    for (const guard of guards) {
      items.push({
        Put: {
          TableName: tableName,
          Item: {
            [KEY.partition]: guard.key,
            [KEY.sort]: META_VERSION,
            kind: ITEM_KINDS.guard,
            rule: guard.rule,
            owner: guard.owner ?? owner,
          },
          ConditionExpression: 'attribute_not_exists(#v)',
          ExpressionAttributeNames: { '#v': KEY.sort },
        },
      });
      operations.push({ kind: 'guard', key: guard.key, rule: guard.rule });
    }
    for (const release of releases) {
      items.push({
        Delete: {
          TableName: tableName,
          Key: { [KEY.partition]: release.key, [KEY.sort]: META_VERSION },
          ConditionExpression: 'attribute_not_exists(#v) OR (#kind = :guard AND #owner = :owner)',
          ExpressionAttributeNames: { '#v': KEY.sort, '#kind': 'kind', '#owner': 'owner' },
          ExpressionAttributeValues: { ':guard': ITEM_KINDS.guard, ':owner': release.owner ?? owner },
        },
      });
      operations.push({ kind: 'release', key: release.key, rule: release.rule });
    }
    if (items.length > MAX_TRANSACTION_ITEMS || bytes > MAX_TRANSACTION_BYTES) {
      throw new EventStoreError(
        'TRANSACTION_TOO_LARGE',
        `an append of ${items.length} items (~${bytes} bytes) exceeds DynamoDB's transaction limits ` +
          `(${MAX_TRANSACTION_ITEMS} items, ${MAX_TRANSACTION_BYTES} bytes): split the command`,
        { items: items.length, bytes },
      );
    }

    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: items,
          // The SDK retries a call whose answer was lost; the token makes that retry succeed instead of
          // failing on our own events (DynamoDB keeps it 10 minutes).
          ClientRequestToken: requestToken(tableName, writes, guards, releases),
        }),
      );
    } catch (error) {
      throw translateWriteError(error, operations);
    }
    return writes.map((w) => ({
      streamId: w.streamId,
      version: w.expectedVersion + w.events.length,
      events: w.events,
    }));
  }

  async function* queryItems(streamId: string, range: ReadRange): AsyncGenerator<Record<string, unknown>> {
    const after = Math.max(range.after ?? 0, META_VERSION);
    const input: QueryCommandInput = {
      TableName: tableName,
      KeyConditionExpression:
        range.through === undefined ? '#s = :s AND #v > :after' : '#s = :s AND #v BETWEEN :from AND :through',
      ExpressionAttributeNames: { '#s': KEY.partition, '#v': KEY.sort },
      ExpressionAttributeValues:
        range.through === undefined
          ? { ':s': streamId, ':after': after }
          : { ':s': streamId, ':from': after + 1, ':through': range.through },
      ConsistentRead: true,
    };
    if (range.through !== undefined && range.through <= after) return;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) yield item;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async function loadRaw(streamId: string, range: ReadRange = {}): Promise<unknown[]> {
    const out: unknown[] = [];
    for await (const item of queryItems(streamId, range)) out.push(envelopeOf(item));
    return out;
  }

  async function load(streamId: string, range: ReadRange = {}): Promise<LoadedStream<E>> {
    const events: E[] = [];
    let version = range.after ?? 0;
    for await (const item of queryItems(streamId, range)) {
      const event = parseEvent(envelopeOf(item)) as E;
      events.push(event);
      version = event.streamVersion;
    }
    return { streamId, version, events };
  }

  async function* readAll(): AsyncIterable<E> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#k = :event',
          ExpressionAttributeNames: { '#k': 'kind' },
          ExpressionAttributeValues: { ':event': ITEM_KINDS.event },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield parseEvent(envelopeOf(item)) as E;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async function loadSnapshot<S>(
    streamId: string,
    policy: SnapshotPolicy<S>,
  ): Promise<Snapshot<S> | undefined> {
    const out = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { [KEY.partition]: streamId, [KEY.sort]: META_VERSION },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item || item.kind !== ITEM_KINDS.snapshot) return undefined;
    if (item.revision !== revisionOf(policy)) return undefined;
    if (typeof item.state !== 'string' || typeof item.snapshotVersion !== 'number') {
      throw new EventStoreError('CORRUPT_ITEM', `snapshot of ${streamId} is malformed`, { streamId });
    }
    const raw: unknown = JSON.parse(item.state);
    return {
      streamId,
      version: item.snapshotVersion,
      state: policy.deserialize ? policy.deserialize(raw) : (raw as S),
    };
  }

  async function saveSnapshot<S>(snapshot: Snapshot<S>, policy: SnapshotPolicy<S>): Promise<SnapshotOutcome> {
    const state = JSON.stringify(policy.serialize ? policy.serialize(snapshot.state) : snapshot.state);
    if (Buffer.byteLength(state, 'utf8') > MAX_SNAPSHOT_BYTES) return 'skipped';
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            [KEY.partition]: snapshot.streamId,
            [KEY.sort]: META_VERSION,
            kind: ITEM_KINDS.snapshot,
            snapshotVersion: snapshot.version,
            revision: revisionOf(policy),
            state,
          },
          // Two writers racing to snapshot: the older state must not replace the newer one. A snapshot of
          // another revision is replaced whatever its version.
          ConditionExpression: 'attribute_not_exists(#v) OR #sv < :sv OR #r <> :r',
          ExpressionAttributeNames: { '#v': KEY.sort, '#sv': 'snapshotVersion', '#r': 'revision' },
          ExpressionAttributeValues: { ':sv': snapshot.version, ':r': revisionOf(policy) },
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'skipped';
      throw error;
    }
  }

  async function rehydrate<S, F extends Fact>(
    streamId: string,
    decider: Pick<Decider<unknown, S, F>, 'initialState' | 'evolve'>,
    snapshots?: SnapshotPolicy<S>,
  ): Promise<Rehydrated<S>> {
    const snapshot = snapshots ? await loadSnapshot(streamId, snapshots) : undefined;
    const after = snapshot?.version ?? 0;
    const loaded = await load(streamId, { after });
    // A stream's events are the decider's events: the store is per service, the decider per aggregate.
    const facts = loaded.events as unknown as readonly F[];
    const state = fold(decider, facts, snapshot ? snapshot.state : decider.initialState());
    return { state, version: loaded.version, snapshotVersion: after, eventsFolded: facts.length };
  }

  return {
    tableName,
    append: async (streamId, expectedVersion, events, appendOptions) => {
      const [appended] = await appendMany([{ streamId, expectedVersion, events }], appendOptions);
      return appended!;
    },
    appendMany,
    load,
    loadRaw,
    readAll,
    rehydrate,
    loadSnapshot,
    saveSnapshot,
    heldEventIds,
  };

  async function heldEventIds(events: readonly StoredEventRef[]): Promise<Set<string>> {
    const position = (streamId: unknown, version: unknown) => `${streamId}\u0000${version}`;
    const keys = new Map(
      events.map((e) => [
        position(e.streamId, e.streamVersion),
        { [KEY.partition]: e.streamId, [KEY.sort]: e.streamVersion },
      ]),
    );
    const items = await batchGetAll(client, {
      tableName,
      keys: [...keys.values()],
      projectionExpression: '#s, #v, eventId',
      expressionAttributeNames: { '#s': KEY.partition, '#v': KEY.sort },
      attempts: 5,
      label: `events of ${tableName}`,
    });
    // What the store holds at each position asked about.
    const stored = new Map(
      items.map((item) => [position(item[KEY.partition], item[KEY.sort]), item.eventId]),
    );
    return new Set(
      events
        .filter((e) => stored.get(position(e.streamId, e.streamVersion)) === e.eventId)
        .map((e) => e.eventId),
    );
  }
}

/** An event by where it was appended, to ask the store whether it holds it. */
export interface StoredEventRef {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
}

function revisionOf(policy: { readonly revision?: string }): string {
  return policy.revision ?? '1';
}

function checkWrite(write: StreamWrite, seen: Set<string>): void {
  const { streamId, expectedVersion, events } = write;
  if (seen.has(streamId)) {
    throw new EventStoreError('INVALID_APPEND', `stream ${streamId} appears twice in one transaction`, {
      streamId,
    });
  }
  seen.add(streamId);
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
    throw new EventStoreError('INVALID_APPEND', `expectedVersion ${expectedVersion} is not a version`, {
      streamId,
    });
  }
  if (events.length === 0) {
    throw new EventStoreError('INVALID_APPEND', `no events to append to ${streamId}`, { streamId });
  }
  events.forEach((event, i) => {
    if (event.streamId !== streamId || event.streamVersion !== expectedVersion + i + 1) {
      throw new EventStoreError(
        'INVALID_APPEND',
        `event ${event.eventId} is ${event.streamId}@${event.streamVersion}; expected ${streamId}@${expectedVersion + i + 1}`,
        { streamId, eventId: event.eventId },
      );
    }
  });
}

/** The same append (table, streams, versions, event ids, guards) gets the same token; anything else another. */
function requestToken(
  tableName: string,
  writes: readonly StreamWrite[],
  guards: readonly GuardClaim[],
  releases: readonly GuardClaim[],
): string {
  const hash = createHash('sha256').update(tableName);
  for (const w of writes) {
    hash.update(`\n${w.streamId}@${w.expectedVersion}`);
    for (const e of w.events) hash.update(`\n${e.eventId}`);
  }
  for (const g of guards) hash.update(`\nguard:${g.key}`);
  for (const r of releases) hash.update(`\nrelease:${r.key}`);
  return hash.digest('hex').slice(0, 36);
}

interface CancellationReason {
  readonly Code?: string;
  readonly Message?: string;
}

/**
 * TransactionCanceledException lists one reason per item, in order. A failed condition (or a concurrent
 * transaction) on a stream item is a concurrency clash; on a guard item, the claim is taken. A stream
 * clash wins over a guard: the caller retries from a fresh load, and the guard fails again if it must.
 */
function translateWriteError(error: unknown, operations: readonly Operation[]): Error {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TransactionConflictException') {
    const first = operations.find((o) => o.kind === 'stream');
    return concurrency(first, error);
  }
  if (name === 'TransactionCanceledException') {
    const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ??
      []) as CancellationReason[];
    const failed = reasons
      .map((reason, i) => ({ reason, op: operations[i] }))
      .filter(
        ({ reason }) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
      );
    const stream = failed.find((f) => f.op?.kind === 'stream');
    if (stream) return concurrency(stream.op, error);
    const guard = failed.find((f) => f.op?.kind === 'guard');
    if (guard?.op?.kind === 'guard') {
      if (guard.reason.Code === 'TransactionConflict') return concurrency(guard.op, error);
      return new GuardConflictError(guard.op.rule, guard.op.key, { cause: error });
    }
    const release = failed.find((f) => f.op?.kind === 'release');
    if (release?.op?.kind === 'release') {
      if (release.reason.Code === 'TransactionConflict') return concurrency(release.op, error);
      // The key is left out of the message: a guard's key can be personal data (an email address).
      return new EventStoreError(
        'GUARD_NOT_HELD',
        `a ${release.op.rule} guard to give back is held by someone else: nothing was written`,
        { rule: release.op.rule },
        { cause: error },
      );
    }
  }
  return new EventStoreError(
    'APPEND_FAILED',
    `append failed: ${(error as Error)?.message ?? String(error)}`,
    {},
    {
      cause: error,
    },
  );
}

function concurrency(op: Operation | undefined, cause: unknown): ConcurrencyError {
  if (op?.kind === 'stream') {
    return new ConcurrencyError(
      `stream ${op.streamId} is no longer at version ${op.expectedVersion}: another writer appended first`,
      { streamId: op.streamId, expectedVersion: op.expectedVersion },
      { cause },
    );
  }
  const key = op?.kind === 'guard' || op?.kind === 'release' ? op.key : undefined;
  return new ConcurrencyError('a concurrent transaction touched the same items', { key }, { cause });
}
