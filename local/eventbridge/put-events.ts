import { AwsError } from '../core/aws-service.js';
import { type EventBridgeEvent, isoSeconds } from './event.js';
import { isPlainObject } from './pattern-operators.js';

/** A PutEvents entry as the API takes it (SDKs send `Time` as epoch seconds). */
export interface PutEventsRequestEntry {
  readonly Time?: number | string | Date;
  readonly Source?: string;
  readonly Resources?: readonly string[];
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly TraceHeader?: string;
}

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

export interface PutEventsResponse {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

export const MAX_ENTRIES = 10;
/** 256 KB, as AWS counts it (see `entrySize`), for one entry and for the whole request. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** Request-level checks: these fail the whole call, unlike an entry's problems. */
export function checkEntries(entries: unknown): PutEventsRequestEntry[] {
  if (!Array.isArray(entries)) {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${JSON.stringify(entries).slice(0, 200)}' at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const typed = entries.map((entry) => (isPlainObject(entry) ? entry : {}) as PutEventsRequestEntry);
  const total = typed.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > MAX_REQUEST_BYTES) {
    throw new AwsError('ValidationException', 'Total size of the entries in the request is over the limit.');
  }
  return typed;
}

/**
 * The entry size as the user guide's "Calculating PutEvents event entry size" counts it: 14 bytes for a Time,
 * and the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  for (const resource of Array.isArray(entry.Resources) ? entry.Resources : []) size += bytes(resource);
  return size;
}

export interface EventStamp {
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly nowMs: number;
}

const failure = (ErrorCode: string, ErrorMessage: string) => ({ error: { ErrorCode, ErrorMessage } });
const required = (name: string) =>
  failure('InvalidArgument', `Parameter ${name} is not valid. Reason: ${name} is a required argument.`);

/** Builds the event AWS builds from an entry, or the entry's error as PutEvents reports it. */
export function buildEvent(
  entry: PutEventsRequestEntry,
  stamp: EventStamp,
): { event: EventBridgeEvent } | { error: { ErrorCode: string; ErrorMessage: string } } {
  if (!nonEmpty(entry.Source)) return required('Source');
  if (!nonEmpty(entry.DetailType)) return required('DetailType');
  if (!nonEmpty(entry.Detail)) return required('Detail');
  // Custom events cannot claim an AWS service's source.
  if (entry.Source.startsWith('aws.'))
    return failure('NotAuthorizedForSourceException', 'Not authorized for the source.');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return failure('MalformedDetail', 'Detail is malformed.');
  }
  if (!isPlainObject(detail)) return failure('MalformedDetail', 'Detail is malformed.');
  if (entrySize(entry) > MAX_REQUEST_BYTES) {
    return failure('InvalidArgument', 'Parameter Detail is not valid. Reason: Entry size is over the limit.');
  }
  const resources = Array.isArray(entry.Resources)
    ? entry.Resources.filter((r) => typeof r === 'string')
    : [];
  return {
    event: {
      version: '0',
      id: stamp.id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: stamp.account,
      time: isoSeconds(timeOf(entry.Time) ?? stamp.nowMs),
      region: stamp.region,
      resources,
      detail,
    },
  };
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function timeOf(time: PutEventsRequestEntry['Time']): number | undefined {
  if (time instanceof Date) return time.getTime();
  if (typeof time === 'number') return Number.isFinite(time) ? time * 1000 : undefined;
  if (typeof time === 'string' && time !== '') {
    const asNumber = Number(time);
    const ms = Number.isFinite(asNumber) ? asNumber * 1000 : Date.parse(time);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
