import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../events/catalogue.js';
import {
  applyEvents,
  emptyState,
  itemFromState,
  type Projection,
  type View,
  type ViewState,
  viewOf,
} from './view.js';

/** What a rebuild reads: every event of the service's store (`EventStore.readAll` fits). */
export interface EventSourceForRebuild<E extends DomainEvent = DomainEvent> {
  readAll(): AsyncIterable<E>;
}

export interface RebuildOptions<V extends View, E extends DomainEvent> {
  readonly source: EventSourceForRebuild<E>;
  readonly projection: Projection<V, E>;
  readonly client: DynamoDBDocumentClient;
  /** The table to fill: a fresh one, or the live one with `clear`. */
  readonly tableName: string;
  /** Delete every item of the table first. @default false */
  readonly clear?: boolean;
}

export interface RebuildResult {
  readonly events: number;
  readonly views: number;
  readonly deleted: number;
}

/**
 * Replays the whole store into a read model, through the same `applyEvents` the live projector uses. Each
 * stream is replayed in version order; streams are interleaved by time (occurredAt, never going back within
 * a stream), the closest a replay gets to the order they were live in. Views are built in memory, then
 * written in batches of 25.
 */
export async function rebuildProjection<V extends View, E extends DomainEvent>(
  options: RebuildOptions<V, E>,
): Promise<RebuildResult> {
  const { projection, client, tableName } = options;
  const keyAttribute = projection.keyAttribute ?? 'id';
  const events: E[] = [];
  for await (const event of options.source.readAll()) events.push(event);

  const views = new Map<string, ViewState<V>>();
  for (const event of replayOrder(events)) {
    const key = projection.keyOf(event);
    if (key === undefined) continue;
    const state = views.get(key) ?? emptyState<V>();
    // A rebuilt view has every earlier version of its streams behind it: what the live projector stepped
    // over (events of other views) it would have stepped over too. A commutative one tracks no versions.
    const behind: ViewState<V> = projection.commutative
      ? state
      : { ...state, versions: { ...state.versions, [event.streamId]: event.streamVersion - 1 } };
    views.set(key, applyEvents(behind, [event], projection, key).state);
  }

  const deleted = options.clear ? await clearTable(client, tableName, keyAttribute) : 0;
  const items = [...views].map(([key, state]) =>
    itemFromState(state, keyAttribute, key, 1, projection.codec),
  );
  await batchWrite(
    client,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
  return { events: events.length, views: items.length, deleted };
}

/** Streams in version order, merged by time; ties broken by stream id so a replay is deterministic. */
export function replayOrder<E extends DomainEvent>(events: readonly E[]): E[] {
  const byStream = new Map<string, E[]>();
  for (const e of events) {
    const list = byStream.get(e.streamId) ?? [];
    list.push(e);
    byStream.set(e.streamId, list);
  }
  const keyed: { at: string; event: E }[] = [];
  for (const list of byStream.values()) {
    list.sort((a, b) => a.streamVersion - b.streamVersion);
    let at = '';
    for (const event of list) {
      const t = new Date(event.occurredAt).toISOString();
      at = t > at ? t : at;
      keyed.push({ at, event });
    }
  }
  keyed.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      a.event.streamId.localeCompare(b.event.streamId) ||
      a.event.streamVersion - b.event.streamVersion,
  );
  return keyed.map((k) => k.event);
}

/** Every view of a read-model table, keyed by its key, bookkeeping (`_rev`, parked events) left out. */
export async function scanViews(
  client: DynamoDBDocumentClient,
  tableName: string,
  keyAttribute = 'id',
): Promise<Record<string, View>> {
  const out: Record<string, View> = {};
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) out[String(item[keyAttribute])] = viewOf(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}

/** Deletes every item of a read-model table (a rebuild's first step); answers how many. */
export async function clearTable(client: DynamoDBDocumentClient, tableName: string, keyAttribute: string) {
  const keys: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#k',
        ExpressionAttributeNames: { '#k': keyAttribute },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) keys.push({ [keyAttribute]: item[keyAttribute] });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await batchWrite(
    client,
    tableName,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
  );
  return keys.length;
}

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem takes 25 requests; what DynamoDB leaves unprocessed is sent again with backoff. */
async function batchWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
) {
  for (let i = 0; i < requests.length; i += 25) {
    let batch: WriteRequest[] = requests.slice(i, i + 25);
    for (let round = 0; batch.length > 0; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** round)));
      if (round > 10) throw new Error(`rebuild: DynamoDB kept ${batch.length} writes unprocessed`);
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
      batch = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}
