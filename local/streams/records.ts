/**
 * DynamoDB stream records as Lambda and Pipes deliver them, built from DynamoDB Local's raw GetRecords JSON.
 * DynamoDB Local's records say `awsRegion: ddblocal`, carry no `eventSourceARN` and cut
 * `ApproximateCreationDateTime` to the minute; the local cloud knows better on all three: the stream's real
 * ARN and region, and the moment the reader first saw the record (it is readable as soon as the write
 * returns, so that moment lags the write by at most one poll interval).
 */
import { isoSeconds } from '../eventbridge/event.js';

/** A record as DynamoDB Streams' GetRecords returns it. */
export interface RawStreamRecord {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion?: string;
  readonly eventSource?: string;
  readonly awsRegion?: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime?: number;
    readonly Keys?: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber: string;
    readonly SizeBytes?: number;
    readonly StreamViewType?: string;
  };
  readonly userIdentity?: { readonly principalId: string; readonly type: string };
}

/** A record the reader holds: the raw record, where it came from and when the reader first saw it. */
export interface ShardRecord {
  readonly raw: RawStreamRecord;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Epoch milliseconds when the reader first read the record. */
  readonly observedAt: number;
}

/** The record Lambda (and Pipes) deliver for a DynamoDB stream: `Records[n]` of the event. */
export interface DynamoDbStreamRecord {
  readonly eventID: string;
  readonly eventName: string;
  readonly eventVersion: string;
  readonly eventSource: 'aws:dynamodb';
  readonly awsRegion: string;
  readonly dynamodb: RawStreamRecord['dynamodb'] & { readonly ApproximateCreationDateTime: number };
  readonly eventSourceARN: string;
  readonly userIdentity?: RawStreamRecord['userIdentity'];
}

/** Epoch seconds of the record's creation: the reader's first sight, unless that contradicts DynamoDB's minute. */
export function creationSeconds(record: ShardRecord): number {
  const observed = Math.floor(record.observedAt / 1000);
  const minute = record.raw.dynamodb.ApproximateCreationDateTime;
  if (minute === undefined) return observed;
  // Seen within the minute DynamoDB Local names: our time is the finer one. Otherwise (a persisted record
  // read after a restart) only DynamoDB's minute is true.
  return observed >= minute && observed < minute + 60 ? observed : Math.floor(minute);
}

/** Lambda's DynamoDB stream record: the raw JSON with the real region, stream ARN and creation time. */
export function toLambdaRecord(record: ShardRecord, streamArn: string, region: string): DynamoDbStreamRecord {
  const { raw } = record;
  return {
    eventID: raw.eventID,
    eventName: raw.eventName,
    eventVersion: raw.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: { ...raw.dynamodb, ApproximateCreationDateTime: creationSeconds(record) },
    eventSourceARN: streamArn,
    ...(raw.userIdentity ? { userIdentity: raw.userIdentity } : {}),
  };
}

/** `DDBStreamBatchInfo` of an on-failure invocation record. */
export function ddbStreamBatchInfo(batch: readonly ShardRecord[], streamArn: string) {
  const first = batch[0];
  const last = batch[batch.length - 1];
  if (!first || !last) throw new Error('an empty batch has no batch info');
  return {
    shardId: first.shardId,
    startSequenceNumber: first.sequenceNumber,
    endSequenceNumber: last.sequenceNumber,
    approximateArrivalOfFirstRecord: isoSeconds(creationSeconds(first) * 1000),
    approximateArrivalOfLastRecord: isoSeconds(creationSeconds(last) * 1000),
    batchSize: batch.length,
    streamArn,
  };
}

/** Sequence numbers are decimal strings of up to 40 digits: compared as numbers, never as text of unequal length. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
