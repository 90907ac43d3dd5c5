import type { DomainEvent } from '../events/catalogue.js';

/** A read-model item's own fields: what a GraphQL resolver reads (top-level attributes, GSI-able). */
export type View = Record<string, unknown>;

/**
 * A projection, supplied by a service: which view an event updates, and how. `project` is pure; it must
 * not depend on how events of *different* streams interleave (EventBridge keeps no order between them, and
 * a rebuild replays streams in time order), only on the order within a stream, which the projector keeps.
 */
export interface Projection<V extends View = View, E extends DomainEvent = DomainEvent> {
  /** Names the read model (logs, the rebuild script's `--table <name>=<table>`). */
  readonly name: string;
  /** The key of the view this event updates, or undefined when the event does not concern this read model. */
  readonly keyOf: (event: E) => string | undefined;
  readonly project: (view: V | undefined, event: E) => V;
  /** The table's partition key attribute. @default 'id' */
  readonly keyAttribute?: string;
  /**
   * `project` alone gives the same view whatever the order of the events, even within a stream, and an event
   * applied twice changes nothing (the view keeps what it needs per entity, e.g. a status by stream version).
   * The projector then keeps no per-stream versions and parks nothing: every event is applied as it comes,
   * and the item does not grow by a version per stream. A view that aggregates across many streams (one
   * platform-wide summary) needs this to stay small.
   * @default false
   */
  readonly commutative?: boolean;
  /**
   * A commutative projection's events of one batch at once: what folding `project` over them gives, for a
   * view that is costly to update one event at a time (a summary that recomputes its numbers). Events it does
   * not concern leave the view as it is.
   * @default folding `project`
   */
  readonly projectAll?: (view: V | undefined, events: readonly E[]) => V | undefined;
  /** How the view is stored in its item, when not field for field (e.g. per-entity facts as short strings). */
  readonly codec?: ViewCodec<V>;
}

/** Between a view and its item's attributes. `fromItem(toItem(view))` must give the view back. */
export interface ViewCodec<V extends View> {
  readonly toItem: (view: V) => View;
  readonly fromItem: (attributes: View) => V;
}

/** Bookkeeping attributes of a read-model item: never part of the view. */
export const META = { versions: '_versions', revision: '_rev', pending: '_pending' } as const;

/** A view item as the projector reasons about it. */
export interface ViewState<V extends View> {
  readonly view: V | undefined;
  /** Per contributing stream, the last stream version applied (or stepped over) for this view. */
  readonly versions: Readonly<Record<string, number>>;
  /** Events that arrived ahead of a gap, waiting for it to fill (stream id → version → envelope JSON). */
  readonly pending: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Optimistic-concurrency counter of the item; 0 when it does not exist yet. */
  readonly revision: number;
}

export const emptyState = <V extends View>(): ViewState<V> => ({
  view: undefined,
  versions: {},
  pending: {},
  revision: 0,
});

export function stateFromItem<V extends View>(
  item: Record<string, unknown> | undefined,
  codec?: ViewCodec<V>,
): ViewState<V> {
  if (!item) return emptyState();
  const {
    [META.versions]: versions,
    [META.revision]: revision,
    [META.pending]: pending,
    ...view
  } = item as Record<string, unknown>;
  return {
    view: codec ? codec.fromItem(view) : (view as V),
    versions: (versions ?? {}) as Record<string, number>,
    pending: (pending ?? {}) as Record<string, Record<string, string>>,
    revision: typeof revision === 'number' ? revision : 0,
  };
}

export function itemFromState<V extends View>(
  state: ViewState<V>,
  keyAttribute: string,
  key: string,
  revision: number,
  codec?: ViewCodec<V>,
): Record<string, unknown> {
  const pending = Object.fromEntries(
    Object.entries(state.pending).filter(([, byVersion]) => Object.keys(byVersion).length > 0),
  );
  const view = state.view && codec ? codec.toItem(state.view) : state.view;
  return {
    ...view,
    [keyAttribute]: key,
    // A commutative projection keeps no versions: its item has no `_versions` at all.
    ...(Object.keys(state.versions).length > 0 ? { [META.versions]: state.versions } : {}),
    [META.revision]: revision,
    ...(Object.keys(pending).length > 0 ? { [META.pending]: pending } : {}),
  };
}

/** A read-model item without its bookkeeping, as queries (and the rebuild comparison) see it. */
export function viewOf(item: Record<string, unknown>): View {
  const { [META.revision]: _rev, [META.pending]: _pending, ...rest } = item;
  return rest;
}

export type Applied<V extends View> = {
  readonly state: ViewState<V>;
  /** Events applied to the view (mapped to this key), in order. */
  readonly applied: number;
  /** Events at or below the stream's applied version: already in the view. */
  readonly duplicates: number;
  /** Events left beyond a gap (not applied). */
  readonly beyondGap: readonly DomainEvent[];
};

/**
 * Apply events of one view in stream order. Per stream: a version at or below the applied one is a
 * duplicate (no effect: idempotent by stream version); the next version is applied (projected when it maps
 * to this key, stepped over otherwise); a later one is left beyond the gap for the caller to resolve.
 */
export function applyEvents<V extends View, E extends DomainEvent>(
  state: ViewState<V>,
  events: readonly E[],
  projection: Projection<V, E>,
  key: string,
): Applied<V> {
  if (projection.commutative) return applyCommutative(state, events, projection, key);
  // Callers pass one stream's events (the projector) or one event at a time (the rebuild).
  const ordered = [...events].sort((a, b) =>
    a.streamId === b.streamId ? a.streamVersion - b.streamVersion : a.streamId < b.streamId ? -1 : 1,
  );
  let view = state.view;
  const versions: Record<string, number> = { ...state.versions };
  let applied = 0;
  let duplicates = 0;
  const beyondGap: DomainEvent[] = [];
  for (const event of ordered) {
    const current = versions[event.streamId] ?? 0;
    if (event.streamVersion <= current) {
      duplicates++;
      continue;
    }
    if (event.streamVersion > current + 1) {
      beyondGap.push(event);
      continue;
    }
    if (projection.keyOf(event) === key) {
      view = projection.project(view, event);
      applied++;
    }
    versions[event.streamId] = event.streamVersion;
  }
  return { state: { ...state, view, versions }, applied, duplicates, beyondGap };
}

/** A commutative projection: every event of this key applied as it comes; nothing tracked per stream. */
function applyCommutative<V extends View, E extends DomainEvent>(
  state: ViewState<V>,
  events: readonly E[],
  projection: Projection<V, E>,
  key: string,
): Applied<V> {
  const mine = events.filter((event) => projection.keyOf(event) === key);
  const view = projection.projectAll
    ? projection.projectAll(state.view, mine)
    : mine.reduce<V | undefined>((v, event) => projection.project(v, event), state.view);
  return { state: { ...state, view }, applied: mine.length, duplicates: 0, beyondGap: [] };
}
