import type { DomainEvent, EventType } from '../../kernel/events/catalogue.js';
import type { Projection, View, ViewCodec } from '../../kernel/projection/index.js';
import {
  earnsRevenue,
  type OrderStatus,
  orderStatuses,
  type SagaResult,
  sagaResult,
  successRate,
  utcDay,
} from '../domain/metrics.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const SALES_SUMMARY_TABLE_ENV = 'SALES_SUMMARY_TABLE';

/**
 * SalesSummary — sales per day, orders by status, saga success rate: one view for the whole platform.
 * AGGREGATES ACROSS STREAMS (every order stream and every saga stream), so events arrive in no global order
 * and may arrive twice. The projection is commutative and idempotent on its own:
 * - it keeps what it knows per order (keyed by orderId) and per saga run (keyed by sagaId) — the same event
 *   twice sets the same fields, which is deduplication by eventId without a list of eventIds;
 * - an order's status is the one of the event with the highest streamVersion seen for that order (max is
 *   order-independent), and `version` there is the stream version the status reflects;
 * - every published number (days, ordersByStatus, sagas) is derived from those maps after each update, so
 *   it does not depend on the order the maps were filled in; records are rebuilt with sorted keys.
 * Stored by delta (sales-projector.ts): each order's and each saga run's facts in an item of their own
 * (`order#<id>`, `saga#<id>`, the short strings of `encodeOrder`/`encodeSaga`), and the published numbers as
 * counters on the summary item (sales-counters.ts), changed together in one transaction. So neither an item nor
 * the write cost per event grows with the number of orders (test/analytics/sales-summary-size.int.test.ts:
 * 5,000 orders, a summary of some 500 bytes; the single item this replaced broke DynamoDB's 400 KB at ~3,400).
 * The summary item still grows by a few counters per day and currency.
 *
 * What stays here is the pure part: `record` (the facts an event sets), and `projectSalesEvents`, the whole
 * summary in one view — the reference the deltas must add up to (the tests compare them), and the
 * `salesSummaryProjection` that names the read model for `rebuild-projections --from-archive` (which clears
 * the table, facts items included, and replays to the live projector). Not deployed as a kernel projection:
 * its single item would outgrow DynamoDB's limit.
 */

export type OrderFacts = {
  /** From the status event with the highest stream version seen. */
  readonly status?: OrderStatus;
  readonly version: number;
  /** From OrderPlaced: the day it was placed (UTC) and its amount. */
  readonly placed?: { readonly day: string; readonly total: number; readonly currency: string };
  /** OrderConfirmed seen: the saga succeeded, even if the customer cancelled later. */
  readonly confirmed: boolean;
};

export type SagaFacts = {
  readonly started: boolean;
  /** SagaStarted.subjectId: the order the saga works on. */
  readonly subjectId?: string;
  readonly outcome?: 'COMPENSATED' | 'FAILED';
  readonly outcomeVersion: number;
};

export type DailySales = {
  /** YYYY-MM-DD (UTC) the orders were placed. */
  readonly date: string;
  /** Orders placed that day. */
  readonly orders: number;
  /** Of those, how many are confirmed (or shipped, delivered) now. */
  readonly confirmed: number;
  /** Of those, how many are cancelled now. */
  readonly cancelled: number;
  /** Minor units per currency of the orders placed that day that earn revenue (confirmed, not cancelled). */
  readonly revenue: Readonly<Record<string, number>>;
};

export type SagaStats = {
  readonly started: number;
  readonly running: number;
  readonly succeeded: number;
  readonly compensated: number;
  readonly failed: number;
  /** succeeded / (succeeded + compensated + failed); null before any saga finished. */
  readonly successRate: number | null;
};

export type SalesSummary = {
  readonly days: readonly DailySales[];
  readonly ordersByStatus: Readonly<Record<OrderStatus, number>>;
  readonly sagas: SagaStats;
  /** The latest occurredAt among the events applied. */
  readonly updatedAt: string;
  readonly orders: Readonly<Record<string, OrderFacts>>;
  readonly sagaRuns: Readonly<Record<string, SagaFacts>>;
};

/** The single key of the view. */
export const SALES_SUMMARY_KEY = 'sales-summary';

const statusOf = {
  OrderPlaced: 'PENDING',
  OrderConfirmed: 'CONFIRMED',
  OrderShipped: 'SHIPPED',
  OrderDelivered: 'DELIVERED',
  OrderCancelled: 'CANCELLED',
} as const satisfies Partial<Record<DomainEvent['type'], OrderStatus>>;

const noOrder: OrderFacts = { version: 0, confirmed: false };
const noSaga: SagaFacts = { started: false, outcomeVersion: 0 };

export function projectSalesSummary(
  view: SalesSummary | undefined,
  event: DomainEvent,
): SalesSummary | undefined {
  return projectSalesEvents(view, [event]);
}

/**
 * Many events at once, the same as one after the other (the kernel projector's `projectAll`, for a batch):
 * the facts of each are recorded, then the numbers derived once, not once per event.
 */
export function projectSalesEvents(
  view: SalesSummary | undefined,
  events: readonly DomainEvent[],
): SalesSummary | undefined {
  const orders = { ...view?.orders };
  const sagaRuns = { ...view?.sagaRuns };
  let updatedAt = view?.updatedAt;
  let counted = false;
  for (const event of events) {
    if (!record(orders, sagaRuns, event)) continue;
    counted = true;
    updatedAt = updatedAt === undefined ? event.occurredAt : later(updatedAt, event.occurredAt);
  }
  // Nothing counted: the view as it was (undefined before any event).
  if (!counted || updatedAt === undefined) return view;
  return summarize(orders, sagaRuns, updatedAt);
}

/**
 * Records what `event` says of its order or saga; false for an event the summary does not count. The delta
 * projector (sales-projector.ts) calls it with maps of the entities a batch touches.
 */
export function record(
  orders: Record<string, OrderFacts>,
  sagaRuns: Record<string, SagaFacts>,
  event: DomainEvent,
): boolean {
  switch (event.type) {
    case 'OrderPlaced':
    case 'OrderConfirmed':
    case 'OrderShipped':
    case 'OrderDelivered':
    case 'OrderCancelled': {
      const { orderId } = event.data;
      let facts = withStatus(orders[orderId] ?? noOrder, statusOf[event.type], event.streamVersion);
      if (event.type === 'OrderPlaced') {
        const { total, currency } = event.data;
        facts = { ...facts, placed: { day: utcDay(event.occurredAt), total, currency } };
      }
      if (event.type === 'OrderConfirmed') facts = { ...facts, confirmed: true };
      orders[orderId] = facts;
      return true;
    }
    case 'SagaStarted': {
      const { sagaId, subjectId } = event.data;
      sagaRuns[sagaId] = { ...(sagaRuns[sagaId] ?? noSaga), started: true, subjectId };
      return true;
    }
    case 'SagaCompensated':
    case 'SagaFailed': {
      const { sagaId } = event.data;
      const outcome = event.type === 'SagaFailed' ? 'FAILED' : 'COMPENSATED';
      sagaRuns[sagaId] = withOutcome(sagaRuns[sagaId] ?? noSaga, outcome, event.streamVersion);
      return true;
    }
    default:
      return false;
  }
}

/**
 * The events the summary counts: what the analytics stack subscribes to. Being commutative, it needs no other
 * version of those streams (SagaStepCompleted, say) to step over.
 */
export const SALES_SUMMARY_EVENT_TYPES = [
  ...(Object.keys(statusOf) as (keyof typeof statusOf)[]),
  'SagaStarted',
  'SagaCompensated',
  'SagaFailed',
] as const satisfies readonly EventType[];

const counted: ReadonlySet<string> = new Set(SALES_SUMMARY_EVENT_TYPES);

export function salesSummaryKey(event: DomainEvent): string | undefined {
  return counted.has(event.type) ? SALES_SUMMARY_KEY : undefined;
}

/**
 * SalesSummary as stored: the published numbers as they are (GraphQL reads `sagas` and `updatedAt` from the
 * item), each order's facts as `status|version|day|total|currency|confirmed` and each saga's as
 * `started|outcome|outcomeVersion|subjectId` — fields empty where not known yet, the subject empty when it is
 * the saga's own id (a saga named after its order) and left out when SagaStarted has not arrived.
 */
export const salesSummaryCodec: ViewCodec<SalesSummary> = {
  toItem: (view) => ({
    ...view,
    orders: mapValues(view.orders, (_id, facts) => encodeOrder(facts)),
    sagaRuns: mapValues(view.sagaRuns, encodeSaga),
  }),
  fromItem: (item) =>
    ({
      ...item,
      orders: mapValues(stored(item.orders), (_id, value) =>
        typeof value === 'string' ? decodeOrder(value) : (value as OrderFacts),
      ),
      sagaRuns: mapValues(stored(item.sagaRuns), (id, value) =>
        typeof value === 'string' ? decodeSaga(id, value) : (value as SagaFacts),
      ),
    }) as unknown as SalesSummary,
};

/**
 * The single-item form (the reference, see the top): the analytics projector keeps SalesSummary by delta
 * instead (`createSalesProjector`).
 */
export const salesSummaryProjection: Projection<SalesSummary> = {
  name: 'SalesSummary',
  keyAttribute: 'id',
  keyOf: salesSummaryKey,
  // keyOf maps only the events the summary counts, which always yield a view.
  project: (view, event) => projectSalesSummary(view, event)!,
  commutative: true,
  projectAll: projectSalesEvents,
  codec: salesSummaryCodec,
};

export function encodeOrder(facts: OrderFacts): string {
  const { status, version, placed, confirmed } = facts;
  return [
    status ?? '',
    version,
    placed?.day ?? '',
    placed?.total ?? '',
    placed?.currency ?? '',
    confirmed ? 1 : 0,
  ].join('|');
}

export function decodeOrder(value: string): OrderFacts {
  const [status, version, day, total, currency, confirmed] = value.split('|');
  return canonicalOrder({
    ...(status ? { status: status as OrderStatus } : {}),
    version: Number(version),
    ...(day ? { placed: { day, total: Number(total), currency: currency ?? '' } } : {}),
    confirmed: confirmed === '1',
  });
}

export function encodeSaga(sagaId: string, facts: SagaFacts): string {
  const head = `${facts.started ? 1 : 0}|${facts.outcome ?? ''}|${facts.outcomeVersion}`;
  if (facts.subjectId === undefined) return head;
  // An id is never empty, so an empty subject can stand for the saga's own id.
  return `${head}|${facts.subjectId === sagaId ? '' : facts.subjectId}`;
}

export function decodeSaga(sagaId: string, value: string): SagaFacts {
  const [started, outcome, outcomeVersion, ...subject] = value.split('|');
  // The subject is last and may itself hold '|'.
  const subjectId = subject.length === 0 ? undefined : subject.join('|') || sagaId;
  return canonicalSaga({
    started: started === '1',
    ...(subjectId === undefined ? {} : { subjectId }),
    ...(outcome ? { outcome: outcome as 'COMPENSATED' | 'FAILED' } : {}),
    outcomeVersion: Number(outcomeVersion),
  });
}

/** The status of the latest stream version wins; a tie (same event twice) changes nothing. */
function withStatus(facts: OrderFacts, status: OrderStatus, version: number): OrderFacts {
  return version > facts.version ? { ...facts, status, version } : facts;
}

/** The later outcome wins; at the same stream version FAILED (needs a human) outranks COMPENSATED. */
function withOutcome(facts: SagaFacts, outcome: 'COMPENSATED' | 'FAILED', version: number): SagaFacts {
  const wins =
    version > facts.outcomeVersion || (version === facts.outcomeVersion && facts.outcome !== 'FAILED');
  return wins ? { ...facts, outcome, outcomeVersion: version } : facts;
}

function summarize(
  orders: Record<string, OrderFacts>,
  sagaRuns: Record<string, SagaFacts>,
  updatedAt: string,
): SalesSummary {
  const ordersByStatus = Object.fromEntries(orderStatuses.map((s) => [s, 0])) as Record<OrderStatus, number>;
  const days = new Map<
    string,
    { orders: number; confirmed: number; cancelled: number; revenue: Record<string, number> }
  >();
  for (const facts of Object.values(orders)) {
    if (facts.status) ordersByStatus[facts.status] += 1;
    if (!facts.placed) continue;
    const day = days.get(facts.placed.day) ?? { orders: 0, confirmed: 0, cancelled: 0, revenue: {} };
    day.orders += 1;
    if (facts.status === 'CANCELLED') day.cancelled += 1;
    if (earnsRevenue(facts.status)) {
      day.confirmed += 1;
      const { currency, total } = facts.placed;
      day.revenue[currency] = (day.revenue[currency] ?? 0) + total;
    }
    days.set(facts.placed.day, day);
  }

  const results: Record<SagaResult, number> = { RUNNING: 0, SUCCEEDED: 0, COMPENSATED: 0, FAILED: 0 };
  let started = 0;
  for (const run of Object.values(sagaRuns)) {
    if (run.started) started += 1;
    const subject = run.subjectId === undefined ? undefined : orders[run.subjectId];
    results[
      sagaResult({
        ...(run.outcome ? { outcome: run.outcome } : {}),
        subjectConfirmed: subject?.confirmed ?? false,
      })
    ] += 1;
  }
  const counts = { succeeded: results.SUCCEEDED, compensated: results.COMPENSATED, failed: results.FAILED };

  return {
    days: [...days]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, d]) => ({ date, ...d, revenue: sortedRecord(d.revenue) })),
    ordersByStatus,
    sagas: { started, running: results.RUNNING, ...counts, successRate: successRate(counts) },
    updatedAt,
    orders: sortedRecord(orders, canonicalOrder),
    sagaRuns: sortedRecord(sagaRuns, canonicalSaga),
  };
}

// Fixed field order, so the stored JSON does not depend on which event set a field first.
const canonicalOrder = (f: OrderFacts): OrderFacts => ({
  ...(f.status === undefined ? {} : { status: f.status }),
  version: f.version,
  ...(f.placed === undefined
    ? {}
    : { placed: { day: f.placed.day, total: f.placed.total, currency: f.placed.currency } }),
  confirmed: f.confirmed,
});
const canonicalSaga = (f: SagaFacts): SagaFacts => ({
  started: f.started,
  ...(f.subjectId === undefined ? {} : { subjectId: f.subjectId }),
  ...(f.outcome === undefined ? {} : { outcome: f.outcome }),
  outcomeVersion: f.outcomeVersion,
});

function later(a: string, b: string): string {
  const d = Date.parse(a) - Date.parse(b);
  if (d !== 0) return d > 0 ? a : b;
  return a >= b ? a : b;
}

function sortedRecord<V>(
  record: Readonly<Record<string, V>>,
  canonical: (v: V) => V = (v) => v,
): Record<string, V> {
  return Object.fromEntries(
    Object.entries(record)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, canonical(v)]),
  );
}

function stored(value: unknown): View {
  return typeof value === 'object' && value !== null ? (value as View) : {};
}

function mapValues<A, B>(
  record: Readonly<Record<string, A>>,
  f: (key: string, value: A) => B,
): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(k, v)]));
}
