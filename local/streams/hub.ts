/**
 * The stream readers of a local cloud, one per stream, shared by every consumer of that stream (event source
 * mappings and pipes alike). A reader starts with its first consumer and stops with its last. The hub listens
 * to the endpoint's table writes and pokes the reader of the written table, so quiet streams can poll slowly
 * and still deliver a new record at once.
 */
import type { LocalCloud } from '../core/local-cloud.js';
import { tableNameOf } from '../dynamodb/table-writes.js';
import { StreamReader } from './shard-reader.js';

export interface StreamHubOptions {
  /** Sleep between polls of a stream that has records coming. @default 50 */
  readonly pollIntervalMs?: number;
  /** The longest sleep between polls of a quiet stream (writes through the endpoint wake it). @default 2000 */
  readonly idlePollIntervalMs?: number;
}

interface Entry {
  readonly reader: Promise<StreamReader>;
  readonly instance: StreamReader;
  readonly table: string;
  users: number;
}

export class StreamHub {
  private readonly readers = new Map<string, Entry>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: StreamHubOptions = {}) {}

  /** The started reader of a stream (by its ARN in the local cloud's region). */
  acquire(
    cloud: Pick<LocalCloud, 'dynamodb' | 'region' | 'logger'>,
    streamArn: string,
  ): Promise<StreamReader> {
    const existing = this.readers.get(streamArn);
    if (existing) {
      existing.users += 1;
      return existing.reader;
    }
    const { pollIntervalMs, idlePollIntervalMs } = this.options;
    const reader = new StreamReader(streamArn, {
      endpoint: cloud.dynamodb.endpoint,
      region: cloud.region,
      log: cloud.logger,
      ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
      ...(idlePollIntervalMs !== undefined ? { idlePollIntervalMs } : {}),
    });
    this.unsubscribe ??= cloud.dynamodb.writes.subscribe((tables) => this.poke(tables));
    const started = reader.start().then(() => reader);
    this.readers.set(streamArn, {
      reader: started,
      instance: reader,
      table: tableNameOf(streamArn),
      users: 1,
    });
    started.catch(() => this.forget(streamArn));
    return started;
  }

  async release(reader: StreamReader): Promise<void> {
    const entry = this.readers.get(reader.streamArn);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.forget(reader.streamArn);
    await reader.stop();
  }

  /** Tables were written: their streams' readers read now. */
  poke(tableNames: readonly string[]): void {
    for (const entry of this.readers.values()) {
      if (tableNames.includes(entry.table)) entry.instance.poke();
    }
  }

  get streamArns(): string[] {
    return [...this.readers.keys()];
  }

  /** Per stream: GetRecords rounds so far and the current sleep between them. */
  pollStats(): Record<string, { polls: number; sleepMs: number }> {
    return Object.fromEntries([...this.readers].map(([arn, entry]) => [arn, entry.instance.pollStats()]));
  }

  private forget(streamArn: string): void {
    this.readers.delete(streamArn);
    if (this.readers.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
