/**
 * One consumer of a stream (an event source mapping or a pipe), with Lambda's stream semantics: shards in
 * order, one batch at a time per shard, a failing batch blocking its shard until it succeeds or is discarded.
 * Batches follow `BatchSize`, `MaximumBatchingWindowInSeconds` and the filter; failures follow
 * `MaximumRetryAttempts`, `BisectBatchOnFunctionError`, partial batch responses (retry from the first failed
 * sequence number) and `MaximumRecordAgeInSeconds`; discarded batches go to `discard` (the on-failure
 * destination).
 */
import type { LocalLogger } from '../core/log.js';
import { compareSequence, creationSeconds, type ShardRecord } from './records.js';
import type { StreamReader } from './shard-reader.js';

export type DeliveryOutcome =
  | { readonly ok: true }
  /** The whole batch failed (function error, throttle, target error). */
  | { readonly ok: false; readonly error: string; readonly response?: FailureResponse }
  /** Records before `firstFailedSequence` succeeded; retry from it. */
  | {
      readonly ok: false;
      readonly firstFailedSequence: string;
      readonly error: string;
      readonly response?: FailureResponse;
    };

/** What the invocation answered, for the on-failure record's `responseContext`. */
export interface FailureResponse {
  readonly statusCode: number;
  readonly executedVersion?: string;
  readonly functionError?: string;
}

export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface DiscardInfo {
  readonly condition: DiscardCondition;
  /** How many times this batch was delivered. */
  readonly invokeCount: number;
  readonly lastResponse?: FailureResponse;
  readonly lastError?: string;
}

export interface StreamConsumerConfig {
  /** For log lines, e.g. `esm MyFunction <- table/Orders/stream`. */
  readonly name: string;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default 0 */
  readonly batchingWindowSeconds?: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Records that do not pass are dropped (checkpointed past), never delivered. */
  readonly filter?: (record: ShardRecord) => boolean;
  /** -1 retries until the record expires. @default -1 */
  readonly maximumRetryAttempts?: number;
  /** -1: no limit. @default -1 */
  readonly maximumRecordAgeSeconds?: number;
  /** @default false */
  readonly bisectOnError?: boolean;
  /** Wait before retry n (1, 2, ...). @default 100 ms doubling up to 5 s */
  readonly retryDelayMs?: (retry: number) => number;
  deliver(batch: readonly ShardRecord[]): Promise<DeliveryOutcome>;
  discard(batch: readonly ShardRecord[], info: DiscardInfo): Promise<void>;
}

interface PendingBatch {
  records: ShardRecord[];
  /** The checkpoint once the batch is done (filtered-out records after it included). */
  commitTo: string;
  retries: number;
  invokeCount: number;
  notBefore: number;
}

/** Records older than AWS's stream retention are gone in AWS too. */
const RETENTION_SECONDS = 24 * 60 * 60;

export class StreamConsumer {
  private readonly checkpoints = new Map<string, string | undefined>();
  private readonly pending = new Map<string, PendingBatch[]>();
  private running = false;
  private loop: Promise<void> | undefined;
  private removeConsumer: (() => void) | undefined;
  private delivered = 0;
  private discarded = 0;
  private filteredOut = 0;

  constructor(
    private readonly reader: StreamReader,
    private readonly config: StreamConsumerConfig,
    private readonly log: LocalLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts consuming; the reader must have started (its tip is where `LATEST` begins). */
  start(): void {
    if (this.config.startingPosition === 'LATEST') {
      for (const [shardId, sequence] of this.reader.tip()) this.checkpoints.set(shardId, sequence);
    }
    this.removeConsumer = this.reader.addConsumer({ checkpoint: (shardId) => this.checkpoints.get(shardId) });
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.removeConsumer?.();
  }

  checkpoint(shardId: string): string | undefined {
    return this.checkpoints.get(shardId);
  }

  stats(): { delivered: number; discarded: number; filteredOut: number; blockedShards: number } {
    return {
      delivered: this.delivered,
      discarded: this.discarded,
      filteredOut: this.filteredOut,
      blockedShards: [...this.pending.values()].filter((queue) => queue.some((b) => b.invokeCount > 0))
        .length,
    };
  }

  private async run(): Promise<void> {
    while (this.running) {
      let nextWakeMs = 1_000;
      try {
        for (const shardId of this.reader.shardIds()) {
          const parent = this.reader.shard(shardId)?.parentShardId;
          if (
            parent &&
            this.reader.shard(parent) &&
            !this.reader.isFinished(parent, this.checkpoints.get(parent))
          ) {
            continue;
          }
          const wait = await this.processShard(shardId);
          nextWakeMs = Math.min(nextWakeMs, wait);
        }
      } catch (error) {
        this.log.warn(`  ${this.config.name}: ${String(error)}`);
      }
      if (!this.running) break;
      if (nextWakeMs > 0) await this.reader.waitForRecords(nextWakeMs);
    }
  }

  /** Works on one shard until it has to wait; returns how long to wait (0: more work right away). */
  private async processShard(shardId: string): Promise<number> {
    let queue = this.pending.get(shardId);
    if (!queue || queue.length === 0) {
      const next = this.nextBatch(shardId);
      if (typeof next === 'number') return next;
      queue = [next];
      this.pending.set(shardId, queue);
    }
    const batch = queue[0];
    if (!batch) return 1_000;
    const waitMs = batch.notBefore - this.now();
    if (waitMs > 0) return waitMs;

    const expired = this.expiredPrefix(batch.records);
    if (expired.length > 0) {
      await this.drop(expired, { condition: 'RecordAgeExceeded', invokeCount: batch.invokeCount });
      batch.records = batch.records.slice(expired.length);
      if (batch.records.length === 0) {
        this.finish(shardId, batch);
        return 0;
      }
    }

    batch.invokeCount += 1;
    let outcome: DeliveryOutcome;
    try {
      outcome = await this.config.deliver(batch.records);
    } catch (error) {
      outcome = { ok: false, error: String(error) };
    }
    if (outcome.ok) {
      this.delivered += batch.records.length;
      this.finish(shardId, batch);
      return 0;
    }
    if (this.onFailure(shardId, queue, batch, outcome) === 'discard') {
      await this.drop(batch.records, {
        condition: 'RetryAttemptsExhausted',
        invokeCount: batch.invokeCount,
        ...(outcome.response ? { lastResponse: outcome.response } : {}),
        lastError: outcome.error,
      });
      this.finish(shardId, batch);
    }
    return 0;
  }

  /** The next batch of a shard, or how long to wait for one. */
  private nextBatch(shardId: string): PendingBatch | number {
    const batchSize = this.config.batchSize ?? 100;
    const available = this.reader.recordsAfter(shardId, this.checkpoints.get(shardId));
    if (available.length === 0) return 1_000;
    const records: ShardRecord[] = [];
    let commitTo: string | undefined;
    for (const record of available) {
      if (records.length >= batchSize) break;
      commitTo = record.sequenceNumber;
      if (this.config.filter && !this.config.filter(record)) {
        this.filteredOut += 1;
        continue;
      }
      records.push(record);
    }
    if (commitTo === undefined) return 1_000;
    if (records.length === 0) {
      this.checkpoints.set(shardId, commitTo);
      return 0;
    }
    const windowMs = (this.config.batchingWindowSeconds ?? 0) * 1000;
    const first = records[0];
    if (windowMs > 0 && records.length < batchSize && first) {
      const readyAt = first.observedAt + windowMs;
      if (readyAt > this.now()) return readyAt - this.now();
    }
    return { records, commitTo, retries: 0, invokeCount: 0, notBefore: 0 };
  }

  private onFailure(
    shardId: string,
    queue: PendingBatch[],
    batch: PendingBatch,
    outcome: Exclude<DeliveryOutcome, { ok: true }>,
  ): 'retry' | 'bisected' | 'discard' {
    const failedAt =
      'firstFailedSequence' in outcome
        ? batch.records.findIndex((record) => record.sequenceNumber === outcome.firstFailedSequence)
        : -1;
    if (failedAt > 0) {
      // The records before the first failure are done: checkpoint them, retry the rest.
      const done = batch.records.slice(0, failedAt);
      this.delivered += done.length;
      const last = done[done.length - 1];
      if (last) this.checkpoints.set(shardId, last.sequenceNumber);
      batch.records = batch.records.slice(failedAt);
    }
    const bisect =
      this.config.bisectOnError === true && !('firstFailedSequence' in outcome) && batch.records.length > 1;
    if (bisect) {
      // Splitting does not count against the retry quota.
      const half = Math.ceil(batch.records.length / 2);
      const head = batch.records.slice(0, half);
      const lastOfHead = head[head.length - 1];
      if (!lastOfHead) return 'retry';
      queue.splice(
        0,
        1,
        {
          records: head,
          commitTo: lastOfHead.sequenceNumber,
          retries: batch.retries,
          invokeCount: 0,
          notBefore: 0,
        },
        {
          records: batch.records.slice(half),
          commitTo: batch.commitTo,
          retries: batch.retries,
          invokeCount: 0,
          notBefore: 0,
        },
      );
      return 'bisected';
    }
    if (this.exhausted(batch)) return 'discard';
    batch.retries += 1;
    const delay =
      this.config.retryDelayMs?.(batch.retries) ?? Math.min(5_000, 100 * 2 ** (batch.retries - 1));
    batch.notBefore = this.now() + delay;
    return 'retry';
  }

  private exhausted(batch: PendingBatch): boolean {
    const max = this.config.maximumRetryAttempts ?? -1;
    return max >= 0 && batch.retries >= max;
  }

  private expiredPrefix(records: readonly ShardRecord[]): ShardRecord[] {
    const configured = this.config.maximumRecordAgeSeconds ?? -1;
    const maxAge = configured < 0 ? RETENTION_SECONDS : configured;
    const oldest = this.now() - maxAge * 1000;
    const out: ShardRecord[] = [];
    for (const record of records) {
      if (creationSeconds(record) * 1000 >= oldest) break;
      out.push(record);
    }
    return out;
  }

  private finish(shardId: string, batch: PendingBatch): void {
    const queue = this.pending.get(shardId);
    queue?.shift();
    const current = this.checkpoints.get(shardId);
    if (current === undefined || compareSequence(batch.commitTo, current) > 0) {
      this.checkpoints.set(shardId, batch.commitTo);
    }
  }

  private async drop(records: readonly ShardRecord[], info: DiscardInfo): Promise<void> {
    this.discarded += records.length;
    try {
      await this.config.discard(records, info);
    } catch (error) {
      this.log.warn(
        `  ${this.config.name}: sending discarded records to the on-failure destination failed: ${String(error)}`,
      );
    }
  }
}
