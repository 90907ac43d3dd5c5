/** A stream reader stand-in for consumer tests: one shard whose records the test appends. */
import type { RawStreamRecord, ShardRecord } from '../../local/streams/records.js';
import type { StreamReader } from '../../local/streams/shard-reader.js';

export const SHARD = 'shardId-00000001795457984910-9503c658';
export const STREAM_ARN =
  'arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2026-11-23T18:19:44.883';

let sequence = 0;

export function record(
  pk: string,
  options: { eventName?: 'INSERT' | 'MODIFY' | 'REMOVE'; type?: string; observedAt?: number } = {},
): ShardRecord {
  sequence += 1;
  const sequenceNumber = String(sequence).padStart(21, '0');
  const observedAt = options.observedAt ?? Date.now();
  const raw: RawStreamRecord = {
    eventID: `event-${sequence}`,
    eventName: options.eventName ?? 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(observedAt / 60_000) * 60,
      Keys: { pk: { S: pk } },
      NewImage: { pk: { S: pk }, type: { S: options.type ?? 'OrderPlaced' } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 20,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
  return { raw, shardId: SHARD, sequenceNumber, observedAt };
}

export class FakeReader {
  readonly records: ShardRecord[] = [];

  push(...records: ShardRecord[]): void {
    this.records.push(...records);
  }

  tip() {
    return new Map([[SHARD, this.records.at(-1)?.sequenceNumber]]);
  }
  addConsumer() {
    return () => {};
  }
  shardIds() {
    return [SHARD];
  }
  shard() {
    return { shardId: SHARD, records: this.records, closed: false };
  }
  isFinished() {
    return false;
  }
  recordsAfter(_shardId: string, after: string | undefined) {
    return this.records.filter((r) => after === undefined || BigInt(r.sequenceNumber) > BigInt(after));
  }
  waitForRecords(ms: number) {
    return new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));
  }

  asReader(): StreamReader {
    return this as unknown as StreamReader;
  }
}

export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const pkOf = (r: ShardRecord) => (r.raw.dynamodb.NewImage?.pk as { S: string } | undefined)?.S ?? '';
