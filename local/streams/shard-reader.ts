/**
 * Reads one DynamoDB stream of DynamoDB Local (DescribeStream, GetShardIterator, GetRecords) into memory,
 * shard by shard, for any number of consumers: event source mappings and pipes on the same stream share one
 * reader, each with its own checkpoint. Records are kept until every consumer has passed them.
 *
 * Polling adapts: every `pollIntervalMs` while records come, backing off to `idlePollIntervalMs` once the
 * stream has been quiet for a while (each poll costs DynamoDB Local's JVM too). `poke()` — called for each
 * announced write to the table (see `TableWrites`) — reads at once, so a quiet stream still delivers in
 * milliseconds; but never sooner than `pollIntervalMs` after the last read began. Lambda polls a stream's
 * shards four times a second, so the default is 250 ms: a busy stream's records then reach a function in
 * batches as in AWS, not one invocation per write (measured: a relay was invoked for every two or three
 * records, every invocation paying Lambda's overhead and the reader polling back to back).
 */
import type { LocalLogger } from '../core/log.js';
import { LOCAL_AUTHORIZATION } from '../dynamodb/dynamodb-local.js';
import { postToLocal } from '../dynamodb/local-http.js';
import { toLocalArn } from '../dynamodb/proxy.js';
import { PollBackoff } from './poll-backoff.js';
import { compareSequence, type RawStreamRecord, type ShardRecord } from './records.js';

export interface StreamReaderOptions {
  /** DynamoDB Local's own endpoint (`cloud.dynamodb.endpoint`). */
  readonly endpoint: string;
  /** The local cloud's region: the stream ARN is translated to DynamoDB Local's `ddblocal` with it. */
  readonly region: string;
  /** The shortest time between the starts of two polls, poked or not (Lambda's 4 polls a second). @default 250 */
  readonly pollIntervalMs?: number;
  /**
   * The longest sleep between two polls of a quiet stream: the delivery lag of a write `poke()` does not
   * announce (one sent straight to DynamoDB Local's port). @default 2000
   */
  readonly idlePollIntervalMs?: number;
  /** How long polls stay at `pollIntervalMs` after the last records or poke before backing off. @default 1000 */
  readonly holdFastMs?: number;
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

/** DescribeStream every second while records come, ten (backed-off) polls apart when quiet, at once after a shard ends. */
const DESCRIBE_EVERY_MS = 1_000;
const DESCRIBE_EVERY_POLLS = 10;
const MAX_RECORDS_PER_CALL = 1_000;

export class StreamReader {
  readonly localArn: string;
  private readonly shards = new Map<string, ShardState>();
  private readonly consumers = new Set<StreamCheckpoints>();
  private readonly waiters = new Set<() => void>();
  private readonly pollIntervalMs: number;
  private readonly backoff: PollBackoff;
  private readonly now: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private lastDescribe = 0;
  /** A shard ended: its children are to be found (DescribeStream) before the next poll. */
  private describeNeeded = false;
  /** A poke came during a poll or a sleep: poll again once the interval is up (the write may have missed that poll). */
  private poked = false;
  /** Ends the current sleep (`stop()` always; `poke()` only when the sleep is `pokeable`). */
  private wake: (() => void) | undefined;
  private pokeable = false;
  private failures = 0;
  private polls = 0;

  constructor(
    /** The stream's ARN as the template knows it (the local cloud's region). */
    readonly streamArn: string,
    private readonly options: StreamReaderOptions,
  ) {
    this.localArn = toLocalArn(streamArn, options.region);
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.now = options.now ?? Date.now;
    this.backoff = new PollBackoff({
      minMs: this.pollIntervalMs,
      maxMs: Math.max(this.pollIntervalMs, options.idlePollIntervalMs ?? 2_000),
      holdMs: options.holdFastMs ?? 1_000,
      now: this.now,
    });
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

  /** The table was written: read now, and poll fast again for a while. */
  poke(): void {
    this.backoff.active();
    this.poked = true;
    if (this.pokeable) this.wake?.();
  }

  /** How the reader polls: GetRecords rounds so far and the sleep it chose last (for health and tests). */
  pollStats(): { polls: number; sleepMs: number } {
    return { polls: this.polls, sleepMs: this.backoff.current };
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
      this.poked = false;
      const started = this.now();
      try {
        if (this.describeDue()) await this.describe();
        if (await this.pollOnce()) this.backoff.active();
        this.trim();
        this.failures = 0;
      } catch (error) {
        // DynamoDB Local stopping with the cloud is not worth a line; anything else is, once per streak.
        if (this.running && this.failures++ === 0) {
          this.options.log.warn(`  streams: reading ${this.streamArn} failed: ${String(error)}`);
        }
      }
      const sleepMs = this.failures > 0 ? this.pollIntervalMs * 20 : this.backoff.next();
      if (this.running && !this.poked) await this.sleep(sleepMs, true);
      // Poked (during the poll or the sleep): at once, but not sooner than the interval after this poll began.
      const early = this.pollIntervalMs - (this.now() - started);
      if (this.running && early > 0) await this.sleep(early, false);
    }
  }

  /** Sleeps `ms`, or less if `stop()` comes first, or `poke()` when `pokeable`. */
  private sleep(ms: number, pokeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.pokeable = pokeable;
    });
  }

  /** After a shard ended, or every second while records come, or ten (backed-off) polls apart when quiet. */
  private describeDue(): boolean {
    if (this.describeNeeded) return true;
    const every = Math.max(DESCRIBE_EVERY_MS, DESCRIBE_EVERY_POLLS * this.backoff.current);
    return this.now() - this.lastDescribe >= every;
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
    this.describeNeeded = false;
  }

  /** Reads every open shard until it is caught up; true when records arrived or a shard ended. */
  private async pollOnce(): Promise<boolean> {
    this.polls += 1;
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
          this.describeNeeded = true;
          arrived = true;
          break;
        }
        shard.iterator = result.NextShardIterator;
        if ((result.Records ?? []).length < MAX_RECORDS_PER_CALL) break;
      }
    }
    if (arrived) this.notify();
    return arrived;
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

  /** A DynamoDB Streams call (all of them are reads, safe to send again). */
  private async call(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const response = await postToLocal(
      this.options.endpoint,
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
        authorization: LOCAL_AUTHORIZATION,
      },
      JSON.stringify(body),
    );
    const result = JSON.parse(response.body) as Record<string, unknown>;
    if (response.status < 200 || response.status >= 300) {
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
