import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type {
  BatchItemResult,
  BatchOptions,
  ProjectionOutcome,
  Projector,
} from '../../kernel/projection/index.js';
import { addOrder, addSaga, type Counters, withoutZeros } from '../read-model/sales-counters.js';
import { type OrderFacts, record, type SagaFacts } from '../read-model/sales-summary.js';
import {
  advanceUpdatedAt,
  commit,
  type FactsWrite,
  idOf,
  isOrderKey,
  orderKey,
  readFacts,
  SalesSummaryError,
  type StoredFacts,
  sagaKey,
  storedForm,
} from './sales-facts-store.js';

/**
 * SalesSummary kept by delta (issue 10): per order and per saga run an item of facts, and the published
 * numbers as counters on the summary item, so nothing grows with the number of orders — neither an item nor
 * the work per event. For the entities a batch touches: read their facts, fold the events in with the pure
 * `record` (max stream version wins: commutative and idempotent), and in ONE TransactWriteItems write the
 * changed facts on their revisions and ADD (contribution after − contribution before) to the counters.
 * A clash (another invocation wrote one of those items first) reads and recomputes. No change, no write.
 * A saga's result depends on its subject order's `confirmed`: a saga's change reads the order, and an
 * order's confirmation reads the runs its item lists (`sagas`, kept by SagaStarted) — each checked unchanged
 * in the same transaction when not written.
 */
export interface SalesProjectorOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default 5 */
  readonly maxAttempts?: number;
  /** Orders and sagas per transaction (each may bring its subject or runs along). @default 24 */
  readonly entitiesPerTransaction?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** The facts item an event updates, or undefined when SalesSummary does not count it. */
export function factsKeyOf(event: DomainEvent): string | undefined {
  switch (event.type) {
    case 'OrderPlaced':
    case 'OrderConfirmed':
    case 'OrderShipped':
    case 'OrderDelivered':
    case 'OrderCancelled':
      return orderKey(event.data.orderId);
    case 'SagaStarted':
    case 'SagaCompensated':
    case 'SagaFailed':
      return sagaKey(event.data.sagaId);
    default:
      return undefined;
  }
}

const isKey = <K>(key: K | undefined): key is K => key !== undefined;

type Group = { readonly key: string; readonly indexes: number[] };

export function createSalesProjector(options: SalesProjectorOptions): Projector {
  const { client, tableName } = options;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const perTransaction = Math.max(1, options.entitiesPerTransaction ?? 24);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;

  /** One chunk of entities: read, fold, commit; again on a clash. Fills `results` for its events. */
  async function applyChunk(
    events: readonly DomainEvent[],
    groups: readonly Group[],
    results: BatchItemResult[],
    retryUntil: number,
  ): Promise<void> {
    const all = groups.flatMap((g) => g.indexes);
    try {
      for (let attempt = 1; ; attempt++) {
        const outcomes = new Map<number, ProjectionOutcome>();
        const plan = await prepare(events, groups, outcomes, results);
        if (!plan || (await commit(client, tableName, plan.writes, plan.checks, plan.deltas))) {
          for (const [i, outcome] of outcomes) results[i] = { ok: true, outcome };
          return;
        }
        const wait = Math.random() * Math.min(400, 25 * 2 ** attempt);
        if (attempt >= maxAttempts && now() + wait >= retryUntil) {
          const error = new SalesSummaryError(
            'WRITE_CONTENTION',
            `SalesSummary facts changed under ${attempt} attempts; the delivery will be retried`,
          );
          for (const i of all) results[i] = { ok: false, error };
          return;
        }
        await sleep(wait);
      }
    } catch (error) {
      // Orders with many runs each can bring more items than a transaction takes: halves, each on its own.
      if (error instanceof SalesSummaryError && error.code === 'TOO_MANY_ITEMS' && groups.length > 1) {
        const half = Math.ceil(groups.length / 2);
        await applyChunk(events, groups.slice(0, half), results, retryUntil);
        await applyChunk(events, groups.slice(half), results, retryUntil);
        return;
      }
      // Reading or writing failed (throttled, ...): none of the chunk's events is in.
      for (const i of all) results[i] = { ok: false, error };
    }
  }

  /** The writes, checks and deltas of a chunk; undefined when nothing changes. */
  async function prepare(
    events: readonly DomainEvent[],
    groups: readonly Group[],
    outcomes: Map<number, ProjectionOutcome>,
    results: BatchItemResult[],
  ): Promise<{ writes: FactsWrite[]; checks: Map<string, StoredFacts>; deltas: Counters } | undefined> {
    const before = new Map<string, StoredFacts>();
    await readFacts(
      client,
      tableName,
      groups.map((g) => g.key),
      before,
    );
    const after = new Map(before);

    for (const { key, indexes } of groups) {
      const orders: Record<string, OrderFacts> = {};
      const sagaRuns: Record<string, SagaFacts> = {};
      const current = before.get(key)!;
      if (current.order) orders[idOf(key)] = current.order;
      if (current.saga) sagaRuns[idOf(key)] = current.saga;
      for (const i of indexes) {
        const was = JSON.stringify([orders, sagaRuns]);
        try {
          record(orders, sagaRuns, events[i]!);
          outcomes.set(i, JSON.stringify([orders, sagaRuns]) === was ? 'duplicate' : 'applied');
        } catch (error) {
          results[i] = { ok: false, error };
        }
      }
      const order = orders[idOf(key)];
      const saga = sagaRuns[idOf(key)];
      after.set(key, { ...current, ...(order ? { order } : {}), ...(saga ? { saga } : {}) });
    }

    // The subjects of the runs: their `confirmed` decides a run's result, and their items list the runs.
    const subjectOf = (key: string) => {
      const subject = (after.get(key)?.saga ?? before.get(key)?.saga)?.subjectId;
      return subject === undefined ? undefined : orderKey(subject);
    };
    const runs = groups.map((g) => g.key).filter((k) => !isOrderKey(k));
    await readFacts(client, tableName, runs.map(subjectOf).filter(isKey), before);
    for (const run of runs) {
      const subject = subjectOf(run);
      if (subject === undefined) continue;
      const facts = after.get(subject) ?? before.get(subject)!;
      const id = idOf(run);
      if (!facts.sagas.includes(id)) after.set(subject, { ...facts, sagas: [...facts.sagas, id].sort() });
    }

    // A confirmation changes the result of the runs working on the order.
    const confirmed = (map: Map<string, StoredFacts>, key: string | undefined) =>
      key === undefined
        ? false
        : (map.get(key)?.order?.confirmed ?? before.get(key)?.order?.confirmed ?? false);
    const flipped = [...after.keys()].filter(
      (k) => isOrderKey(k) && confirmed(before, k) !== confirmed(after, k),
    );
    const linked = flipped.flatMap((k) => after.get(k)!.sagas.map(sagaKey));
    await readFacts(client, tableName, linked, before);
    for (const key of linked) if (!after.has(key)) after.set(key, before.get(key)!);

    const deltas: Counters = {};
    const used = new Set<string>();
    const writes: FactsWrite[] = [];
    for (const [key, next] of after) {
      const was = before.get(key)!;
      const changed = JSON.stringify(storedForm(key, was)) !== JSON.stringify(storedForm(key, next));
      if (changed) writes.push({ key, before: was, after: next });
      if (isOrderKey(key)) {
        if (changed) {
          addOrder(deltas, was.order, -1);
          addOrder(deltas, next.order, 1);
        }
        continue;
      }
      const subject = subjectOf(key);
      const [from, to] = [confirmed(before, subject), confirmed(after, subject)];
      if (!changed && from === to) continue;
      addSaga(deltas, was.saga, from, -1);
      addSaga(deltas, next.saga, to, 1);
      used.add(key);
      if (subject !== undefined) used.add(subject);
    }
    if (writes.length === 0) return undefined;
    const written = new Set(writes.map((w) => w.key));
    const checks = new Map([...used].filter((k) => !written.has(k)).map((k) => [k, before.get(k)!]));
    return { writes, checks, deltas: withoutZeros(deltas) };
  }

  async function projectBatch(events: readonly DomainEvent[], batch: BatchOptions = {}) {
    const results: BatchItemResult[] = new Array(events.length);
    const byKey = new Map<string, number[]>();
    let latest: string | undefined;
    events.forEach((event, i) => {
      const key = factsKeyOf(event);
      if (key === undefined) {
        results[i] = { ok: true, outcome: 'ignored' };
        return;
      }
      byKey.set(key, [...(byKey.get(key) ?? []), i]);
    });
    const groups = [...byKey].map(([key, indexes]) => ({ key, indexes }));
    // One chunk after the other: chunks of one batch would otherwise clash on the summary item.
    for (let i = 0; i < groups.length; i += perTransaction) {
      await applyChunk(events, groups.slice(i, i + perTransaction), results, batch.retryUntil ?? 0);
    }
    for (const [i, result] of results.entries()) {
      if (!result.ok || result.outcome === 'ignored') continue;
      const at = new Date(events[i]!.occurredAt).toISOString();
      if (latest === undefined || at > latest) latest = at;
    }
    if (latest !== undefined) {
      try {
        await advanceUpdatedAt(client, tableName, latest);
      } catch (error) {
        // The counters are in; the events come again and move updatedAt then.
        for (const [i, result] of results.entries()) {
          if (result.ok && result.outcome !== 'ignored') results[i] = { ok: false, error };
        }
      }
    }
    return results;
  }

  return {
    project: async (event) => {
      const [result] = await projectBatch([event]);
      if (!result!.ok) throw result!.error;
      return result!.outcome;
    },
    projectBatch,
  };
}
