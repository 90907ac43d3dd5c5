import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import {
  EventTooLargeError,
  KernelConfigurationError,
  PublishError,
  type UndeliveredEvent,
} from './errors.js';
import { type EventEnvelope, eventBridgeSource } from './events/envelope.js';
import { xrayTraceHeader } from './events/trace-context.js';

/** PutEvents limits: 10 entries per call, 256 KB per entry and per call (as AWS counts entry sizes). */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;
const TIME_BYTES = 14;

/** Entry error codes the PutEvents documentation lists as non-retryable: retrying cannot succeed. */
export const NON_RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

const utf8Bytes = (s: string | undefined) => (s ? Buffer.byteLength(s, 'utf8') : 0);

/** Entry size as EventBridge computes it: Time (14 bytes) + Source + DetailType + Detail + Resources. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? TIME_BYTES : 0;
  size += utf8Bytes(entry.Source) + utf8Bytes(entry.DetailType) + utf8Bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8Bytes(resource);
  return size;
}

/**
 * The PutEvents entry of an envelope: Source `commerceforge.<service>`, DetailType = type, Detail = the
 * envelope, Time = occurredAt, and TraceHeader = the envelope's trace in X-Ray form, so X-Ray links the
 * producer to the targets EventBridge invokes.
 */
export function toPutEventsEntry(event: EventEnvelope, eventBusName: string): PutEventsRequestEntry {
  const entry: PutEventsRequestEntry = {
    EventBusName: eventBusName,
    Source: eventBridgeSource(event.source),
    DetailType: event.type,
    Detail: JSON.stringify(event),
    Time: new Date(event.occurredAt),
  };
  const traceHeader = xrayTraceHeader(event.traceparent);
  if (traceHeader) entry.TraceHeader = traceHeader;
  return entry;
}

export interface PublisherOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  /** Total attempts per event, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Backoff cap before jitter for the first retry; doubles each retry. @default 100 */
  readonly baseDelayMs?: number;
  /** Upper bound of any one backoff. @default 2000 */
  readonly maxDelayMs?: number;
  /** Injected for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests, in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface PublishResult {
  /** EventBridge's ids of the accepted entries, in the order of the input events. */
  readonly eventBridgeIds: readonly string[];
  /** Rounds of PutEvents calls made (1 = everything went in on the first try). */
  readonly attempts: number;
}

export interface EventPublisher {
  publish(events: readonly EventEnvelope[]): Promise<PublishResult>;
}

interface Pending {
  readonly index: number;
  readonly event: EventEnvelope;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

/** Split entries into PutEvents calls: at most 10 entries and 256 KB each, order kept. */
export function batchEntries<T extends { size: number }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (
      current.length === MAX_ENTRIES_PER_CALL ||
      (current.length > 0 && bytes + item.size > MAX_BYTES_PER_CALL)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Full jitter (AWS Architecture Blog): a uniform delay in [0, min(cap, base * 2^(retry-1))). */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPublisher(options: PublisherOptions): EventPublisher {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  async function publish(events: readonly EventEnvelope[]): Promise<PublishResult> {
    const pending: Pending[] = events.map((event, index) => {
      const entry = toPutEventsEntry(event, options.eventBusName);
      return { index, event, entry, size: putEventsEntrySize(entry) };
    });
    // Refuse up front: half a batch on the bus and an error for the rest is worse than nothing sent.
    for (const p of pending) {
      if (p.size > MAX_BYTES_PER_CALL) {
        throw new EventTooLargeError(p.event.eventId, p.event.type, p.size, MAX_BYTES_PER_CALL);
      }
    }

    const ids: string[] = new Array(events.length).fill('');
    const undelivered: UndeliveredEvent[] = [];
    let toSend = pending;
    let attempts = 0;
    let firstCallError: unknown;

    while (toSend.length > 0) {
      if (attempts > 0) await sleep(backoffDelay(attempts, baseDelayMs, maxDelayMs, random));
      attempts++;
      const retry: Array<{ p: Pending; code: string; message: string | undefined }> = [];
      for (const batch of batchEntries(toSend)) {
        let results: PutEventsResultEntry[];
        try {
          const out = await options.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
          results = out.Entries ?? [];
        } catch (error) {
          // The SDK already retried the call itself; what is left (credentials, validation, a dead endpoint)
          // will not be fixed by another round here.
          firstCallError ??= error;
          const code = error instanceof Error ? error.name : 'UnknownError';
          const message = error instanceof Error ? error.message : String(error);
          for (const p of batch) undelivered.push(failure(p, code, message));
          continue;
        }
        batch.forEach((p, i) => {
          const result = results[i];
          if (result?.EventId && !result.ErrorCode) {
            ids[p.index] = result.EventId;
          } else if (result?.ErrorCode && NON_RETRYABLE_ERROR_CODES.has(result.ErrorCode)) {
            undelivered.push(failure(p, result.ErrorCode, result.ErrorMessage));
          } else {
            // A missing result entry is treated like InternalFailure: retry it.
            retry.push({ p, code: result?.ErrorCode ?? 'MissingResultEntry', message: result?.ErrorMessage });
          }
        });
      }
      if (attempts >= maxAttempts) {
        // Out of attempts: report what the last round said about each entry.
        for (const r of retry) undelivered.push(failure(r.p, r.code, r.message));
        break;
      }
      toSend = retry.map((r) => r.p);
    }

    if (undelivered.length > 0) {
      throw new PublishError(undelivered, {
        deliveredCount: ids.filter(Boolean).length,
        attempts,
        cause: firstCallError,
      });
    }
    return { eventBridgeIds: ids, attempts };
  }

  return { publish };
}

function failure(p: Pending, errorCode: string, errorMessage: string | undefined): UndeliveredEvent {
  return { eventId: p.event.eventId, type: p.event.type, errorCode, errorMessage };
}

/** The environment variable a function's bus name arrives in (set by the stack that grants PutEvents). */
export const EVENT_BUS_NAME_ENV = 'EVENT_BUS_NAME';

/**
 * A publisher to the bus named by `EVENT_BUS_NAME`, for handlers. `capture` lets the observability kernel
 * trace the client: `publisher: (tracer) => publisherFromEnvironment({ capture: (c) => tracer.captureAWSv3Client(c) })`.
 */
export function publisherFromEnvironment(
  options: Partial<Omit<PublisherOptions, 'client' | 'eventBusName'>> & {
    readonly capture?: (client: EventBridgeClient) => EventBridgeClient;
    readonly env?: Record<string, string | undefined>;
  } = {},
): EventPublisher {
  const { capture, env = process.env, ...rest } = options;
  const eventBusName = env[EVENT_BUS_NAME_ENV];
  if (!eventBusName) {
    throw new KernelConfigurationError(
      `${EVENT_BUS_NAME_ENV} is not set: this function cannot publish events`,
    );
  }
  const client = new EventBridgeClient({});
  return createPublisher({ ...rest, client: capture ? capture(client) : client, eventBusName });
}
