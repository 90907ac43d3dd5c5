import { CIRCUIT_NAMES } from './settings.js';
import type { CircuitRecord, CircuitState, CircuitStateStore } from './store.js';

/** A circuit as people who run the platform see it (GraphQL `CircuitBreaker`). */
export interface CircuitView {
  readonly name: string;
  readonly state: CircuitState;
  readonly failureCount: number;
  readonly openedAt: string | null;
  readonly nextAttemptAt: string | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * Every known circuit, in `CIRCUIT_NAMES` order: a circuit that never left CLOSED has no item, and shows
 * as CLOSED with no failures. A half-open circuit's `nextAttemptAt` is when its current probe's lease ends.
 */
export async function listCircuits(store: CircuitStateStore): Promise<CircuitView[]> {
  const records = new Map((await store.list(CIRCUIT_NAMES)).map((r) => [r.name, r]));
  return CIRCUIT_NAMES.map((name) => viewOf(name, records.get(name)));
}

export function viewOf(name: string, record: CircuitRecord | undefined): CircuitView {
  if (!record) return { name, state: 'CLOSED', failureCount: 0, openedAt: null, nextAttemptAt: null };
  return {
    name,
    state: record.state,
    failureCount: record.failureCount,
    openedAt: iso(record.openedAt),
    nextAttemptAt: iso(
      record.state === 'HALF_OPEN' ? (record.probeLeaseUntil ?? record.nextAttemptAt) : record.nextAttemptAt,
    ),
  };
}
