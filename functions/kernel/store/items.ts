import { EventTooLargeError } from '../errors.js';
import type { EventEnvelope } from '../events/envelope.js';
import { SOURCE_PREFIX } from '../events/envelope.js';
import { EventStoreError } from './errors.js';

/**
 * How the event store lays out its one table. Partition key `streamId` (S), sort key `version` (N).
 *
 * - event item: `version` = the event's streamVersion (1, 2, …); `kind = "event"`; the whole envelope as the
 *   JSON string `envelope` (read back byte for byte), plus `type`, `eventId`, `occurredAt` and
 *   `correlationId` as plain attributes for queries and the relay's stream filter.
 * - snapshot item: `version = 0` in the stream's own partition (events start at 1, so it never clashes);
 *   `kind = "snapshot"`, `snapshotVersion` (the last event folded in), `revision` (the state schema's
 *   revision: a snapshot of another revision is ignored), `state` as JSON.
 * - guard item: its own partition, e.g. `email#ada@example.com`, `version = 0`, `kind = "guard"`: a claim
 *   put with attribute_not_exists inside the same transaction as the events that need it.
 *
 * The DynamoDB stream carries every insert; the relay's filter keeps `kind = "event"` only.
 */
export const KEY = { partition: 'streamId', sort: 'version' } as const;
export const ITEM_KINDS = { event: 'event', snapshot: 'snapshot', guard: 'guard' } as const;
/** The sort key of a stream's snapshot item and of a guard item. */
export const META_VERSION = 0;

/** EventBridge refuses a PutEvents entry above 256 KB: an event the relay could not publish is not stored. */
export const MAX_EVENT_ENTRY_BYTES = 256 * 1024;
/** DynamoDB's item limit is 400 KB; a snapshot is an optimisation, so one above this is simply not written. */
export const MAX_SNAPSHOT_BYTES = 350 * 1024;
/** TransactWriteItems: at most 100 items (declared with the other input limits) and 4 MB. */
export { MAX_TRANSACTION_ITEMS } from '../domain/limits.js';
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** Key and metadata attributes around the envelope, counted generously. */
const ITEM_OVERHEAD_BYTES = 512;

export interface EventItem {
  readonly streamId: string;
  readonly version: number;
  readonly kind: 'event';
  readonly type: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly envelope: string;
}

export interface SnapshotItem {
  readonly streamId: string;
  readonly version: typeof META_VERSION;
  readonly kind: 'snapshot';
  readonly snapshotVersion: number;
  readonly revision: string;
  readonly state: string;
}

export interface GuardItem {
  readonly streamId: string;
  readonly version: typeof META_VERSION;
  readonly kind: 'guard';
  readonly rule: string;
  readonly owner: string;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The PutEvents entry size the relay will produce (Time + Source + DetailType + Detail, as AWS counts). */
export function entryBytes(event: EventEnvelope, json: string): number {
  return 14 + utf8(SOURCE_PREFIX + event.source) + utf8(event.type) + utf8(json);
}

export function toEventItem(event: EventEnvelope): { item: EventItem; bytes: number } {
  const envelope = JSON.stringify(event);
  const size = entryBytes(event, envelope);
  if (size > MAX_EVENT_ENTRY_BYTES) {
    // Refused at append: once stored, the relay could never publish it.
    throw new EventTooLargeError(event.eventId, event.type, size, MAX_EVENT_ENTRY_BYTES);
  }
  return {
    item: {
      streamId: event.streamId,
      version: event.streamVersion,
      kind: 'event',
      type: event.type,
      eventId: event.eventId,
      occurredAt: event.occurredAt,
      correlationId: event.correlationId,
      envelope,
    },
    bytes: utf8(envelope) + ITEM_OVERHEAD_BYTES,
  };
}

/** The stored envelope exactly as it was appended (not yet validated or upcast). */
export function envelopeOf(item: Record<string, unknown>): unknown {
  const raw = item.envelope;
  if (typeof raw !== 'string') {
    throw new EventStoreError(
      'CORRUPT_ITEM',
      `item ${describe(item)} has no envelope attribute`,
      keyOf(item),
    );
  }
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new EventStoreError(
      'CORRUPT_ITEM',
      `item ${describe(item)} holds an unparseable envelope`,
      keyOf(item),
      {
        cause,
      },
    );
  }
}

export function isEventItem(item: Record<string, unknown>): boolean {
  return item.kind === ITEM_KINDS.event;
}

const keyOf = (item: Record<string, unknown>) => ({ streamId: item.streamId, version: item.version });
const describe = (item: Record<string, unknown>) => `${String(item.streamId)}@${String(item.version)}`;
