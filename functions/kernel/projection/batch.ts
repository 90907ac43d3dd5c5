import type { DomainEvent } from '../events/catalogue.js';
import { parseEventBridgeEvent } from '../events/parse.js';
import type { BatchOptions, ProjectionOutcome, Projector } from './projector.js';

/**
 * A projector fed by an SQS queue that EventBridge rules send to: Lambda hands it a batch of records whose
 * bodies are EventBridge events. Each view is then read and written once per batch (`Projector.projectBatch`)
 * instead of once per event, and the records whose events could not be applied are reported back
 * (`ReportBatchItemFailures`): SQS delivers those again, and after the queue's `maxReceiveCount` moves them
 * to its dead-letter queue, while the rest of the batch is deleted.
 *
 *   const report = await projectQueuedEvents(event.Records, [{ projector: summary }]);
 *   return { batchItemFailures: report.batchItemFailures };
 */

/** What a projector reads of an SQS record: its id, to report it, and its body, an EventBridge event. */
export interface QueuedRecord {
  readonly messageId: string;
  readonly body: string;
}

/** Lambda's answer to an SQS event source mapping with `ReportBatchItemFailures`. */
export interface SqsBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

/** A projector and the events of the batch it takes (every event by default). */
export interface QueuedProjector<E extends DomainEvent = DomainEvent> {
  readonly projector: Projector<E>;
  readonly accepts?: (event: E) => boolean;
}

export interface QueuedBatchFailure {
  readonly messageId: string;
  /** Absent when the body was not a valid event. */
  readonly eventId?: string;
  readonly error: unknown;
}

export interface QueuedBatchReport extends SqsBatchResponse {
  /** How many events ended how, over every projector. */
  readonly outcomes: Partial<Record<ProjectionOutcome, number>>;
  /** One entry per record reported back (the first error it met). */
  readonly failures: readonly QueuedBatchFailure[];
}

/** Whether a Lambda event is an SQS batch (`Records` of `aws:sqs`), rather than one EventBridge event. */
export function isSqsEvent(event: unknown): event is { Records: QueuedRecord[] } {
  if (typeof event !== 'object' || event === null) return false;
  const records = (event as { Records?: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.every(
      (r) =>
        typeof r === 'object' &&
        r !== null &&
        (r as { eventSource?: unknown }).eventSource === 'aws:sqs' &&
        typeof (r as { body?: unknown }).body === 'string',
    )
  );
}

/**
 * Validates each record's event (an invalid one is reported, the others go on), then hands the valid events
 * to each projector in turn — one after the other, so two projectors of one view never race each other.
 */
export async function projectQueuedEvents<E extends DomainEvent = DomainEvent>(
  records: readonly QueuedRecord[],
  projectors: readonly QueuedProjector<E>[],
  options: BatchOptions & { readonly parse?: (eventBridgeEvent: unknown) => E } = {},
): Promise<QueuedBatchReport> {
  const parse = options.parse ?? (parseEventBridgeEvent as (event: unknown) => E);
  const failed = new Map<string, QueuedBatchFailure>();
  const fail = (failure: QueuedBatchFailure) => {
    if (!failed.has(failure.messageId)) failed.set(failure.messageId, failure);
  };
  const events: { messageId: string; event: E }[] = [];
  for (const record of records) {
    try {
      events.push({ messageId: record.messageId, event: parse(JSON.parse(record.body)) });
    } catch (error) {
      fail({ messageId: record.messageId, error });
    }
  }

  const outcomes: Partial<Record<ProjectionOutcome, number>> = {};
  for (const { projector, accepts } of projectors) {
    const taken = accepts ? events.filter(({ event }) => accepts(event)) : events;
    if (taken.length === 0) continue;
    const results = await projector.projectBatch(
      taken.map(({ event }) => event),
      options.retryUntil === undefined ? {} : { retryUntil: options.retryUntil },
    );
    results.forEach((result, i) => {
      const { messageId, event } = taken[i]!;
      if (!result.ok) fail({ messageId, eventId: event.eventId, error: result.error });
      else outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    });
  }

  const failures = [...failed.values()];
  return {
    batchItemFailures: failures.map(({ messageId }) => ({ itemIdentifier: messageId })),
    outcomes,
    failures,
  };
}
