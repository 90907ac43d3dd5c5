import type { Decider, Fact } from '../domain/decider.js';
import { ConcurrencyError } from '../domain/errors.js';
import type { DomainEvent, DomainEventOf, EventType } from '../events/catalogue.js';
import type { Actor } from '../events/envelope.js';
import {
  type CausalMetadata,
  type Clock,
  createEvent,
  type EventMetadata,
  type IdGenerator,
  type NewEvent,
} from '../events/metadata.js';
import type {
  EventStore,
  GuardClaim,
  Rehydrated,
  SnapshotOutcome,
  SnapshotPolicy,
  StreamWrite,
} from './event-store.js';

/**
 * Metadata for each new event: `tools.metadata` from the observability wrapper (fresh eventId and
 * occurredAt, causation from the incoming event), or `metadataFrom(...)` where there is no wrapper.
 */
export type MetadataSource = () => EventMetadata;

/** A metadata source from explicit parts: ids and clock (runtime.ts in handlers, counters in tests). */
export function metadataFrom(parts: {
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly causation: CausalMetadata;
  readonly actor: Actor;
}): MetadataSource {
  return () => ({
    ...parts.causation,
    eventId: parts.ids.uuid(),
    occurredAt: parts.clock().toISOString(),
    actor: parts.actor,
  });
}

export interface CommandOptions<C, S, F extends Fact> {
  readonly store: EventStore;
  readonly decider: Decider<C, S, F>;
  readonly streamId: string;
  readonly command: C;
  readonly metadata: MetadataSource;
  /** Snapshot the state when an append crosses a multiple of `every`. @default - no snapshots */
  readonly snapshots?: SnapshotPolicy<S>;
  /** Guard items to claim with the new events (e.g. a unique email), given what was decided. */
  readonly guards?: (facts: readonly F[], state: S) => readonly GuardClaim[];
  /**
   * Guard items to give back in the same transaction, given what was decided and the state it was decided
   * on (e.g. the address an email change leaves).
   */
  readonly releases?: (facts: readonly F[], state: S, before: S) => readonly GuardClaim[];
  /**
   * The stream as the caller has just rehydrated it (with this decider): the first attempt decides on it
   * instead of reading the stream again; a retry after a ConcurrencyError reads afresh. @default read first
   */
  readonly loaded?: Rehydrated<S>;
  /** Attempts in all, each a fresh load and decide; a ConcurrencyError after the last one is thrown. @default 3 */
  readonly maxAttempts?: number;
  /**
   * Pause before a retry, so writers racing on a hot stream spread out. @default full jitter, at most
   * 25 ms * 2^(retry-1)
   */
  readonly retryDelay?: (retry: number) => Promise<void>;
}

/**
 * What `loaded` takes for a stream that is almost surely new (its id derived from an idempotency key, or just
 * minted): the initial state at version 0, with no read. If the stream exists after all (a retried request),
 * the append clashes on version 1 and `handleCommand` reads it and decides again, so only the rare duplicate
 * pays a second round trip, and every first request saves its read.
 */
export function newStream<S>(decider: { readonly initialState: () => S }): Rehydrated<S> {
  return { state: decider.initialState(), version: 0, snapshotVersion: 0, eventsFolded: 0 };
}

const jitter = (retry: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 25 * 2 ** (retry - 1))));

export interface CommandResult<S> {
  /** The appended envelopes (empty when the decider decided nothing: the command was a no-op). */
  readonly events: readonly DomainEvent[];
  /** The state after the new events. */
  readonly state: S;
  /** The stream's version after the append. */
  readonly version: number;
  readonly attempts: number;
  readonly snapshot: SnapshotOutcome | 'not-due' | 'failed';
}

/**
 * load → decide → createEvent → append, the shape of every command handler. A ConcurrencyError (another
 * writer appended between our load and our append) re-runs the whole cycle on the fresh stream, up to
 * `maxAttempts`; a DomainError from `decide` is thrown as is (nothing was written).
 */
export async function handleCommand<C, S, F extends Fact>(
  options: CommandOptions<C, S, F>,
): Promise<CommandResult<S>> {
  const { store, decider, streamId, command, snapshots } = options;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    const current =
      attempt === 1 && options.loaded ? options.loaded : await store.rehydrate(streamId, decider, snapshots);
    const facts = decider.decide(command, current.state);
    if (facts.length === 0) {
      return {
        events: [],
        state: current.state,
        version: current.version,
        attempts: attempt,
        snapshot: 'not-due',
      };
    }
    const { events } = streamWrite(streamId, current.version, facts, options.metadata);
    const state = facts.reduce(decider.evolve, current.state);
    try {
      await store.append(streamId, current.version, events, {
        guards: options.guards?.(facts, state) ?? [],
        releases: options.releases?.(facts, state, current.state) ?? [],
        versionFromRead: true,
      });
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
      await (options.retryDelay ?? jitter)(attempt);
      continue;
    }
    const version = current.version + events.length;
    const snapshot = snapshots
      ? await maybeSnapshot(store, streamId, current.version, version, state, snapshots)
      : 'not-due';
    return { events, state, version, attempts: attempt, snapshot };
  }
}

/**
 * Facts decided on one stream read at `version` → the write that appends their envelopes after it (what
 * `handleCommand` appends for one stream; a handler writing several streams in one `appendMany` builds each).
 */
export function streamWrite(
  streamId: string,
  version: number,
  facts: readonly Fact[],
  metadata: MetadataSource,
): StreamWrite & { readonly events: readonly DomainEvent[] } {
  const events = facts.map((fact, i) => {
    const input = { type: fact.type, data: fact.data, streamId, streamVersion: version + i + 1 };
    return createEvent(input as NewEvent<EventType>, metadata()) as DomainEventOf<EventType> as DomainEvent;
  });
  return { streamId, expectedVersion: version, events };
}

/**
 * Events are committed by now: a snapshot that fails to write costs the next load a few more events, not
 * the command, so its failure is reported in the result rather than thrown.
 */
async function maybeSnapshot<S>(
  store: EventStore,
  streamId: string,
  before: number,
  after: number,
  state: S,
  policy: SnapshotPolicy<S>,
): Promise<SnapshotOutcome | 'not-due' | 'failed'> {
  const every = Math.max(1, Math.floor(policy.every));
  if (Math.floor(after / every) === Math.floor(before / every)) return 'not-due';
  try {
    return await store.saveSnapshot({ streamId, version: after, state }, policy);
  } catch {
    return 'failed';
  }
}
