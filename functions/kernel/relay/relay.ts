import { EventTooLargeError, PublishError } from '../errors.js';
import { type EventEnvelope, eventEnvelopeSchema } from '../events/envelope.js';
import type { EventPublisher } from '../publisher.js';
import { ITEM_KINDS } from '../store/index.js';
import * as z from '../zod.js';

/**
 * The outbox relay: the event store's DynamoDB stream → the bus. A command handler only appends; this
 * function publishes what was appended, so an event is on the bus if and only if it is in the store (at
 * least once: a redelivered batch publishes again, and consumers deduplicate on eventId).
 *
 * Each record's stored envelope is published unchanged (same eventId, correlation and causation ids,
 * traceparent). What was not delivered is reported as a batch item failure: Lambda retries from the lowest
 * failed sequence number, bisects a failing batch, and after its retry budget sends the batch's
 * description to the on-failure queue.
 */

/** The part of a DynamoDB stream record the relay reads (NEW_IMAGE, DynamoDB JSON). */
const streamRecordSchema = z.object({
  eventName: z.optional(z.string()),
  dynamodb: z.object({
    SequenceNumber: z.string().check(z.minLength(1)),
    NewImage: z.optional(z.record(z.string(), z.unknown())),
  }),
});

const stringAttribute = z.object({ S: z.string() });

export interface StreamRecordLike {
  readonly eventName?: string;
  readonly dynamodb?: { readonly SequenceNumber?: string; readonly NewImage?: Record<string, unknown> };
}

export interface RelayResult {
  readonly batchItemFailures: { itemIdentifier: string }[];
}

export interface RelayReport extends RelayResult {
  readonly published: number;
  readonly skipped: number;
  /** Why each failed record failed, for the log. */
  readonly failures: { sequenceNumber: string; eventId?: string; reason: string }[];
}

type Parsed =
  | { readonly kind: 'event'; readonly sequenceNumber: string; readonly envelope: EventEnvelope }
  | { readonly kind: 'skip' }
  | { readonly kind: 'invalid'; readonly sequenceNumber: string; readonly reason: string };

/** Reads one record: an inserted event item, something to skip (snapshot, guard, modify), or garbage. */
export function parseStreamRecord(record: unknown): Parsed {
  const parsed = streamRecordSchema.safeParse(record);
  if (!parsed.success) {
    const seq = (record as StreamRecordLike | undefined)?.dynamodb?.SequenceNumber;
    // Without a sequence number the record cannot even be reported; the filter makes this impossible.
    return seq
      ? { kind: 'invalid', sequenceNumber: seq, reason: 'not a DynamoDB stream record' }
      : { kind: 'skip' };
  }
  const { eventName, dynamodb } = parsed.data;
  const image = dynamodb.NewImage;
  const kind = stringAttribute.safeParse(image?.kind);
  // The event source mapping's filter already keeps INSERTs of event items only; this guards a mapping
  // created without it.
  if (eventName !== 'INSERT' || !kind.success || kind.data.S !== ITEM_KINDS.event) return { kind: 'skip' };
  const sequenceNumber = dynamodb.SequenceNumber;
  const raw = stringAttribute.safeParse(image?.envelope);
  if (!raw.success)
    return { kind: 'invalid', sequenceNumber, reason: 'event item without an envelope attribute' };
  let json: unknown;
  try {
    json = JSON.parse(raw.data.S);
  } catch {
    return { kind: 'invalid', sequenceNumber, reason: 'envelope is not JSON' };
  }
  const envelope = eventEnvelopeSchema.safeParse(json);
  if (!envelope.success)
    return { kind: 'invalid', sequenceNumber, reason: 'envelope does not match the contract' };
  // Validated, but the stored object is what goes out: nothing stripped, nothing reordered.
  return { kind: 'event', sequenceNumber, envelope: json as EventEnvelope };
}

/** Publish the events of one stream batch; what did not reach the bus comes back as batch item failures. */
export async function relayRecords(
  records: readonly unknown[],
  publisher: EventPublisher,
): Promise<RelayReport> {
  const failures: RelayReport['failures'] = [];
  let pending: { sequenceNumber: string; envelope: EventEnvelope }[] = [];
  let skipped = 0;
  for (const record of records) {
    const parsed = parseStreamRecord(record);
    if (parsed.kind === 'skip') skipped++;
    else if (parsed.kind === 'invalid')
      failures.push({ sequenceNumber: parsed.sequenceNumber, reason: parsed.reason });
    else pending.push(parsed);
  }

  let published = 0;
  while (pending.length > 0) {
    try {
      await publisher.publish(pending.map((p) => p.envelope));
      published += pending.length;
      pending = [];
    } catch (error) {
      if (error instanceof EventTooLargeError) {
        // The publisher refuses the whole call for one oversized entry: set that one aside, send the rest.
        const tooLarge = pending.filter((p) => p.envelope.eventId === error.eventId);
        for (const p of tooLarge) failures.push({ ...ids(p), reason: error.code });
        pending = pending.filter((p) => p.envelope.eventId !== error.eventId);
        if (tooLarge.length === 0) throw error;
        continue;
      }
      if (error instanceof PublishError) {
        const undelivered = new Map(error.undelivered.map((u) => [u.eventId, u.errorCode]));
        for (const p of pending) {
          const code = undelivered.get(p.envelope.eventId);
          if (code) failures.push({ ...ids(p), reason: code });
        }
        published += error.deliveredCount;
        pending = [];
        break;
      }
      throw error;
    }
  }

  // Lambda resumes from the lowest failed sequence number; reporting each failure keeps the log honest.
  const batchItemFailures = failures.map((f) => ({ itemIdentifier: f.sequenceNumber }));
  return { batchItemFailures, published, skipped, failures };
}

const ids = (p: { sequenceNumber: string; envelope: EventEnvelope }) => ({
  sequenceNumber: p.sequenceNumber,
  eventId: p.envelope.eventId,
});
