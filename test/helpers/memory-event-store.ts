import { ConcurrencyError } from '../../functions/kernel/domain/errors.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import { parseEvent } from '../../functions/kernel/events/parse.js';
import type { EventStore, StreamWrite } from '../../functions/kernel/store/index.js';

type Folder = { initialState: () => unknown; evolve: (state: unknown, event: never) => unknown };

export interface StoreCall {
  readonly op: 'rehydrate' | 'append' | 'appendMany';
  readonly streamIds: readonly string[];
  /** For an append: whether it was written (false: it clashed and nothing was). */
  readonly written?: boolean;
}

export interface MemoryEventStore extends EventStore {
  readonly streams: Map<string, DomainEvent[]>;
  /** Every read and append, in order, for counting what a command costs. */
  readonly calls: StoreCall[];
  /** Runs once, before the next append is checked: another writer slipping in between a read and a write. */
  beforeNextAppend(work: () => Promise<void>): void;
  /** The event types of one stream, in order. */
  types(streamId: string): string[];
}

/**
 * An event store in memory for handler unit tests (the int and e2e tests use the real one on DynamoDB Local).
 * It holds to what the handlers rely on: an append whose expected version is not the stream's is a
 * ConcurrencyError, appendMany writes every stream or none, and each envelope must be one the catalogue
 * accepts. Only rehydrate, append and appendMany are there; snapshots are not kept.
 */
export function memoryEventStore(): MemoryEventStore {
  const streams = new Map<string, DomainEvent[]>();
  const calls: StoreCall[] = [];
  let interleave: (() => Promise<void>) | undefined;

  const write = async (op: 'append' | 'appendMany', writes: readonly StreamWrite[]) => {
    const next = interleave;
    interleave = undefined;
    await next?.();
    const streamIds = writes.map((w) => w.streamId);
    const stale = writes.find((w) => (streams.get(w.streamId)?.length ?? 0) !== w.expectedVersion);
    if (stale) {
      calls.push({ op, streamIds, written: false });
      throw new ConcurrencyError(`stream ${stale.streamId} moved past version ${stale.expectedVersion}`, {
        streamId: stale.streamId,
      });
    }
    const parsed = writes.map((w) => w.events.map((e: EventEnvelope) => parseEvent(e)));
    writes.forEach((w, i) => {
      streams.set(w.streamId, [...(streams.get(w.streamId) ?? []), ...parsed[i]!]);
    });
    calls.push({ op, streamIds, written: true });
    return writes.map((w) => ({
      streamId: w.streamId,
      version: w.expectedVersion + w.events.length,
      events: w.events,
    }));
  };

  const store = {
    tableName: 'memory',
    streams,
    calls,
    beforeNextAppend(work: () => Promise<void>) {
      interleave = work;
    },
    types: (streamId: string) => (streams.get(streamId) ?? []).map((e) => e.type),
    rehydrate: async (streamId: string, decider: Folder) => {
      calls.push({ op: 'rehydrate', streamIds: [streamId] });
      const events = streams.get(streamId) ?? [];
      return {
        state: events.reduce((s, e) => decider.evolve(s, e as never), decider.initialState()),
        version: events.length,
        snapshotVersion: 0,
        eventsFolded: events.length,
      };
    },
    append: async (streamId: string, expectedVersion: number, events: readonly EventEnvelope[]) =>
      (await write('append', [{ streamId, expectedVersion, events }]))[0]!,
    appendMany: (writes: readonly StreamWrite[]) => write('appendMany', writes),
  };
  return store as unknown as MemoryEventStore;
}
