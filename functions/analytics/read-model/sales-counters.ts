import { earnsRevenue, type OrderStatus, orderStatuses, sagaResult, successRate } from '../domain/metrics.js';
import type { DailySales, OrderFacts, SagaFacts, SalesSummary } from './sales-summary.js';

/**
 * SalesSummary's published numbers as counters: top-level numeric attributes of the summary item, each kept
 * by `ADD` of a delta (ADD creates a missing attribute at 0; it cannot create a path in a missing map, hence
 * flat names). Every number is a sum over orders and saga runs of what each contributes, so a change of one
 * order's (or saga's) facts changes the numbers by (contribution after − contribution before): nothing else
 * needs reading. A saga's result depends on its subject order's `confirmed`, so the two are counted together
 * where either changes (the delta projector).
 */
export type Counters = Record<string, number>;

export const counterName = {
  dayOrders: (day: string) => `day#${day}#orders`,
  dayConfirmed: (day: string) => `day#${day}#confirmed`,
  dayCancelled: (day: string) => `day#${day}#cancelled`,
  revenue: (day: string, currency: string) => `revenue#${day}#${currency}`,
  /** How many orders the revenue sums: a currency stays listed while one counts, even at a total of 0. */
  revenueOrders: (day: string, currency: string) => `revorders#${day}#${currency}`,
  status: (status: OrderStatus) => `status#${status}`,
  saga: (what: 'started' | 'running' | 'succeeded' | 'compensated' | 'failed') => `saga#${what}`,
} as const;

function add(into: Counters, name: string, n: number): void {
  into[name] = (into[name] ?? 0) + n;
}

/** What one order adds to the numbers (`sign` -1 takes it away); absent facts add nothing. */
export function addOrder(into: Counters, facts: OrderFacts | undefined, sign: 1 | -1): void {
  if (!facts) return;
  if (facts.status) add(into, counterName.status(facts.status), sign);
  if (!facts.placed) return;
  const { day, total, currency } = facts.placed;
  add(into, counterName.dayOrders(day), sign);
  if (facts.status === 'CANCELLED') add(into, counterName.dayCancelled(day), sign);
  if (earnsRevenue(facts.status)) {
    add(into, counterName.dayConfirmed(day), sign);
    add(into, counterName.revenue(day, currency), sign * total);
    add(into, counterName.revenueOrders(day, currency), sign);
  }
}

/** What one saga run adds, given whether its subject order is confirmed; absent facts add nothing. */
export function addSaga(
  into: Counters,
  facts: SagaFacts | undefined,
  subjectConfirmed: boolean,
  sign: 1 | -1,
): void {
  if (!facts) return;
  if (facts.started) add(into, counterName.saga('started'), sign);
  const result = sagaResult({ ...(facts.outcome ? { outcome: facts.outcome } : {}), subjectConfirmed });
  const key = result.toLowerCase() as 'running' | 'succeeded' | 'compensated' | 'failed';
  add(into, counterName.saga(key), sign);
}

/** The counters of every order and saga at once: what the deltas must add up to (tests compare the two). */
export function countersOf(
  orders: Readonly<Record<string, OrderFacts>>,
  sagaRuns: Readonly<Record<string, SagaFacts>>,
): Counters {
  const out: Counters = {};
  for (const facts of Object.values(orders)) addOrder(out, facts, 1);
  for (const run of Object.values(sagaRuns)) {
    const subject = run.subjectId === undefined ? undefined : orders[run.subjectId];
    addSaga(out, run, subject?.confirmed ?? false, 1);
  }
  return withoutZeros(out);
}

export function withoutZeros(counters: Counters): Counters {
  return Object.fromEntries(Object.entries(counters).filter(([, n]) => n !== 0));
}

/** The published numbers from the summary item's counters (`successRate` derived here, not stored). */
export function numbersFromCounters(
  item: Readonly<Record<string, unknown>>,
): Pick<SalesSummary, 'days' | 'ordersByStatus' | 'sagas'> {
  const n = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
  const days = new Map<string, { revenue: Record<string, number> }>();
  for (const name of Object.keys(item)) {
    const [kind, day, rest] = name.split('#');
    if (kind === 'day' && day && rest === 'orders' && n(name) > 0 && !days.has(day)) {
      days.set(day, { revenue: {} });
    }
  }
  for (const name of Object.keys(item)) {
    const [kind, day, ...currency] = name.split('#');
    if (kind !== 'revorders' || !day || n(name) <= 0) continue;
    const code = currency.join('#');
    const entry = days.get(day);
    if (entry) entry.revenue[code] = n(counterName.revenue(day, code));
  }
  const sorted = [...days.keys()].sort();
  const dailySales: DailySales[] = sorted.map((date) => ({
    date,
    orders: n(counterName.dayOrders(date)),
    confirmed: n(counterName.dayConfirmed(date)),
    cancelled: n(counterName.dayCancelled(date)),
    revenue: Object.fromEntries(
      Object.entries(days.get(date)!.revenue).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  }));
  const counts = {
    succeeded: n(counterName.saga('succeeded')),
    compensated: n(counterName.saga('compensated')),
    failed: n(counterName.saga('failed')),
  };
  return {
    days: dailySales,
    ordersByStatus: Object.fromEntries(orderStatuses.map((s) => [s, n(counterName.status(s))])) as Record<
      OrderStatus,
      number
    >,
    sagas: {
      started: n(counterName.saga('started')),
      running: n(counterName.saga('running')),
      ...counts,
      successRate: successRate(counts),
    },
  };
}
