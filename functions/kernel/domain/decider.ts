import type { EventData, EventType } from '../events/catalogue.js';

/**
 * What a domain decides: an event's type and data, without the envelope. The handler appends it to the
 * stream (which gives it a stream version) and stamps the metadata (ids, time, causation).
 */
export type Fact<T extends EventType = EventType> = {
  [K in T]: { readonly type: K; readonly data: EventData<K> };
}[T];

/**
 * A decider (Emmett, Castore): the pure core of an event-sourced aggregate. `decide` turns a command and the
 * current state into new facts or throws a DomainError; `evolve` folds a fact into the state. No AWS, no
 * clock, no randomness: time and ids arrive inside the command.
 */
export interface Decider<Command, State, Event extends Fact> {
  readonly initialState: () => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
}

/** Folds facts into a state: what rehydrating a stream does. */
export function fold<State, Event extends Fact>(
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
  from: State = decider.initialState(),
): State {
  return events.reduce(decider.evolve, from);
}

/** Ends a `switch` over a union: a case left out does not compile. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
