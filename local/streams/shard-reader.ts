/**
 * Reads one DynamoDB stream of DynamoDB Local (DescribeStream, GetShardIterator, GetRecords) into memory,
 * shard by shard, for any number of consumers: event source mappings and pipes on the same stream share one
 * reader, each with its own checkpoint. Records are kept until every consumer has passed them.
 */
import type { LocalLogger } from '../core/log.js';
import { LOCAL_AUTHORIZATION } from '../dynamodb/dynamodb-local.js';
import { toLocalArn } from '../dynamodb/proxy.js';
import { compareSequence, type RawStreamRecord, type ShardRecord } from './records.js';

export interface StreamReaderOptions {
  /** DynamoDB Local's own endpoint (`cloud.dynamodb.endpoint`). */
  readonly endpoint: string;
  /** The local cloud's region: the stream ARN is translated to DynamoDB Local's `ddblocal` with it. */
  readonly region: string;
  /** Sleep between two polls of a caught-up stream; the delivery lag is about this. @default 50 */
  readonly pollIntervalMs?: number;
  readonly log: LocalLogger;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface ShardState {
  readonly shardId: string;
  readonly parentShardId?: string;
  readonly records: ShardRecord[];
  /** True once GetRecords said the shard has ended (no next iterator): nothing more will come. */
  closed: boolean;
  iterator?: string;
  lastSequence?: string;
}

/** Where a consumer is: the last sequence number it is done with, per shard. */
export interface StreamCheckpoints {
  checkpoint(shardId: string): string | undefined;
}

const DESCRIBE_EVERY_MS = 1_000;
const MAX_RECORDS_PER_CALL = 1_000;

export class StreamReader {
  readonly localArn: string;
  private readonly shards = new Map<string, ShardState>();
  private readonly consumers = new Set<StreamCheckpoints>();
  private readonly waiters = new Set<() => void>();
  private readonly pollIntervalMs: number;
  private readonly now: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private lastDescribe = 0;
  private wake: (() => void) | undefined;
  private failures = 0;

  constructor(
    /** The stream's ARN as the template knows it (the local cloud's region). */
    readonly streamArn: string,
    private readonly options: StreamReaderOptions,
  ) {
    this.localArn = toLocalArn(streamArn, options.region);
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.now = options.now ?? Date.now;
  }

  /** Reads what the stream holds now (so `LATEST` consumers know where "now" is), then keeps polling. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.describe();
    await this.pollOnce();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.notify();
    await this.loop;
  }

  /** Shards in processing order: a parent before its children. */
  shardIds(): string[] {
    const ordered: string[] = [];
    const visit = (shard: ShardState) => {
      if (ordered.includes(shard.shardId)) return;
      const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
      if (parent) visit(parent);
      ordered.push(shard.shardId);
    };
    for (const shard of this.shards.values()) visit(shard);
    return ordered;
  }

  shard(shardId: string): ShardState | undefined {
    return this.shards.get(shardId);
  }

  /** The last sequence number read so far, per shard: where a `LATEST` consumer starts. */
  tip(): Map<string, string | undefined> {
    return new Map([...this.shards.values()].map((shard) => [shard.shardId, shard.lastSequence]));
  }

  /** Records of a shard after a sequence number (all of them when `after` is undefined), oldest first. */
  recordsAfter(shardId: string, after: string | undefined, limit = Number.POSITIVE_INFINITY): ShardRecord[] {
    const records = this.shards.get(shardId)?.records ?? [];
    const out: ShardRecord[] = [];
    for (const record of records) {
      if (out.length >= limit) break;
      if (after === undefined || compareSequence(record.sequenceNumber, after) > 0) out.push(record);
    }
    return out;
  }

  /** True when the shard is closed and a consumer at `checkpoint` has taken everything it held. */
  isFinished(shardId: string, checkpoint: string | undefined): boolean {
    const shard = this.shards.get(shardId);
    if (!shard?.closed) return false;
    return shard.lastSequence === undefined || this.recordsAfter(shardId, checkpoint, 1).length === 0;
  }

  addConsumer(consumer: StreamCheckpoints): () => void {
    this.consumers.add(consumer);
    return () => this.consumers.delete(consumer);
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** Resolves when new records arrive, the reader stops, or after `timeoutMs`. */
  waitForRecords(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.waiters.add(done);
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (this.now() - this.lastDescribe >= DESCRIBE_EVERY_MS) await this.describe();
        await this.pollOnce();
        this.trim();
        this.failures = 0;
      } catch (error) {
        // DynamoDB Local stopping with the cloud is not worth a line; anything else is, once per streak.
        if (this.running && this.failures++ === 0) {
          this.options.log.warn(`  streams: reading ${this.streamArn} failed: ${String(error)}`);
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs * (this.failures > 0 ? 20 : 1));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async describe(): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const result = (await this.call('DescribeStream', {
        StreamArn: this.localArn,
        ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
      })) as {
        StreamDescription?: {
          Shards?: Array<{ ShardId: string; ParentShardId?: string }>;
          LastEvaluatedShardId?: string;
        };
      };
      for (const shard of result.StreamDescription?.Shards ?? []) {
        if (!this.shards.has(shard.ShardId)) {
          this.shards.set(shard.ShardId, {
            shardId: shard.ShardId,
            ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
            records: [],
            closed: false,
          });
        }
      }
      exclusiveStartShardId = result.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    this.lastDescribe = this.now();
  }

  /** Reads every open shard until it is caught up. */
  private async pollOnce(): Promise<void> {
    let arrived = false;
    for (const shard of this.shards.values()) {
      if (shard.closed) continue;
      let renewed = false;
      for (;;) {
        if (!shard.iterator) shard.iterator = await this.iterator(shard);
        let result: { Records?: RawStreamRecord[]; NextShardIterator?: string };
        try {
          result = (await this.call('GetRecords', {
            ShardIterator: shard.iterator,
            Limit: MAX_RECORDS_PER_CALL,
          })) as typeof result;
        } catch (error) {
          // An expired iterator, or one DynamoDB Local no longer accepts ("read past the oldest stream record"):
          // start again right after the last record read, once per poll.
          const code = (error as { awsCode?: string }).awsCode;
          if (!renewed && (code === 'ExpiredIteratorException' || code === 'TrimmedDataAccessException')) {
            renewed = true;
            shard.iterator = undefined;
            continue;
          }
          throw error;
        }
        const observedAt = this.now();
        for (const raw of result.Records ?? []) {
          const sequenceNumber = raw.dynamodb.SequenceNumber;
          if (shard.lastSequence !== undefined && compareSequence(sequenceNumber, shard.lastSequence) <= 0) {
            continue;
          }
          shard.records.push({ raw, shardId: shard.shardId, sequenceNumber, observedAt });
          shard.lastSequence = sequenceNumber;
          arrived = true;
        }
        if (!result.NextShardIterator) {
          shard.closed = true;
          shard.iterator = undefined;
          arrived = true;
          break;
        }
        shard.iterator = result.NextShardIterator;
        if ((result.Records ?? []).length < MAX_RECORDS_PER_CALL) break;
      }
    }
    if (arrived) this.notify();
  }

  private async iterator(shard: ShardState): Promise<string> {
    const result = (await this.call('GetShardIterator', {
      StreamArn: this.localArn,
      ShardId: shard.shardId,
      ...(shard.lastSequence
        ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
        : { ShardIteratorType: 'TRIM_HORIZON' }),
    })) as { ShardIterator?: string };
    if (!result.ShardIterator) throw new Error(`no iterator for ${shard.shardId}`);
    return result.ShardIterator;
  }

  /** Drops records every consumer has passed (the reader keeps what someone still needs). */
  private trim(): void {
    if (this.consumers.size === 0) return;
    for (const shard of this.shards.values()) {
      let keepFrom = shard.records.length;
      for (const consumer of this.consumers) {
        const checkpoint = consumer.checkpoint(shard.shardId);
        const next =
          checkpoint === undefined
            ? 0
            : shard.records.findIndex((record) => compareSequence(record.sequenceNumber, checkpoint) > 0);
        keepFrom = Math.min(keepFrom, next < 0 ? shard.records.length : next);
      }
      if (keepFrom > 0) shard.records.splice(0, keepFrom);
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private async call(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const response = await fetch(this.options.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
        authorization: LOCAL_AUTHORIZATION,
      },
      body: JSON.stringify(body),
    });
    const result = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      const code = String(result.__type ?? 'Error')
        .split('#')
        .pop();
      throw Object.assign(
        new Error(`${operation}: ${code}: ${String(result.message ?? result.Message ?? '')}`),
        {
          awsCode: code,
        },
      );
    }
    return result;
  }
}
