/**
 * The stream readers of a local cloud, one per stream, shared by every consumer of that stream (event source
 * mappings and pipes alike). A reader starts with its first consumer and stops with its last.
 */
import type { LocalCloud } from '../cloud.js';
import { StreamReader } from './shard-reader.js';

export interface StreamHubOptions {
  /** Sleep between polls of a caught-up stream. @default 50 */
  readonly pollIntervalMs?: number;
}

export class StreamHub {
  private readonly readers = new Map<string, { reader: Promise<StreamReader>; users: number }>();

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
    const reader = new StreamReader(streamArn, {
      endpoint: cloud.dynamodb.endpoint,
      region: cloud.region,
      log: cloud.logger,
      ...(this.options.pollIntervalMs !== undefined ? { pollIntervalMs: this.options.pollIntervalMs } : {}),
    });
    const started = reader.start().then(() => reader);
    this.readers.set(streamArn, { reader: started, users: 1 });
    started.catch(() => this.readers.delete(streamArn));
    return started;
  }

  async release(reader: StreamReader): Promise<void> {
    const entry = this.readers.get(reader.streamArn);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.readers.delete(reader.streamArn);
    await reader.stop();
  }

  get streamArns(): string[] {
    return [...this.readers.keys()];
  }
}
