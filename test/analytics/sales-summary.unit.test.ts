import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { successRate, utcDay } from '../../functions/analytics/domain/index.js';
import { createSalesProjector } from '../../functions/analytics/handlers/sales-projector.js';
import { countersOf, numbersFromCounters } from '../../functions/analytics/read-model/sales-counters.js';
import {
  projectSalesEvents,
  projectSalesSummary,
  SALES_SUMMARY_KEY,
} from '../../functions/analytics/read-model/sales-summary.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { event, permutations, project } from '../helpers/events.js';
import { memoryTable } from '../helpers/memory-table.js';

const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const placed = (orderId: string, total: number, currency: string, occurredAt: string) =>
  event(
    'OrderPlaced',
    {
      orderId,
      customerId: 'cust-1',
      items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: total }],
      total,
      currency,
      shippingAddress: address,
    },
    { streamId: orderId, streamVersion: 1, occurredAt },
  );
const confirmed = (orderId: string, v = 2) =>
  event(
    'OrderConfirmed',
    { orderId, paymentId: `pay-${orderId}`, shipmentId: `ship-${orderId}` },
    { streamId: orderId, streamVersion: v, occurredAt: '2025-03-02T00:00:00.000Z' },
  );
const cancelled = (orderId: string, v: number) =>
  event(
    'OrderCancelled',
    { orderId, reason: 'declined' },
    { streamId: orderId, streamVersion: v, occurredAt: '2025-03-02T00:00:00.000Z' },
  );
const shipped = (orderId: string) =>
  event(
    'OrderShipped',
    { orderId, shipmentId: `ship-${orderId}`, carrier: 'SimPost', trackingNumber: 'T' },
    { streamId: orderId, streamVersion: 3, occurredAt: '2025-03-03T00:00:00.000Z' },
  );
const sagaStarted = (sagaId: string, subjectId: string) =>
  event(
    'SagaStarted',
    { sagaId, sagaName: 'OrderFulfillment', subjectId, steps: ['ReserveStock', 'ChargePayment'] },
    { streamId: sagaId, streamVersion: 1, occurredAt: '2025-03-01T09:00:00.000Z' },
  );
const sagaCompensated = (sagaId: string) =>
  event(
    'SagaCompensated',
    {
      sagaId,
      sagaName: 'OrderFulfillment',
      failedStep: 'ChargePayment',
      compensatedSteps: ['ReserveStock'],
      reason: 'declined',
    },
    { streamId: sagaId, streamVersion: 3, occurredAt: '2025-03-01T09:00:02.000Z' },
  );
const sagaFailed = (sagaId: string) =>
  event(
    'SagaFailed',
    {
      sagaId,
      sagaName: 'OrderFulfillment',
      failedStep: 'CreateShipment',
      error: 'States.Timeout',
      reason: 'timeout',
      compensationFailed: true,
    },
    { streamId: sagaId, streamVersion: 4, occurredAt: '2025-03-01T09:00:03.000Z' },
  );

// o1: placed day 1 (EUR), confirmed, shipped — saga s1 succeeded
// o2: placed day 1 late evening in New York = day 2 UTC (USD), cancelled — saga s2 compensated
// o3: placed day 2 (EUR), pending — saga s3 failed
// o4: placed day 2 (EUR), confirmed then cancelled by the customer — saga s4 succeeded
const events: DomainEvent[] = [
  placed('o1', 2500, 'EUR', '2025-03-01T10:00:00.000Z'),
  confirmed('o1'),
  shipped('o1'),
  placed('o2', 1000, 'USD', '2025-03-01T22:00:00-05:00'),
  cancelled('o2', 2),
  placed('o3', 700, 'EUR', '2025-03-02T11:00:00.000Z'),
  placed('o4', 300, 'EUR', '2025-03-02T12:00:00.000Z'),
  confirmed('o4'),
  cancelled('o4', 3),
  sagaStarted('s1', 'o1'),
  sagaStarted('s2', 'o2'),
  sagaCompensated('s2'),
  sagaStarted('s3', 'o3'),
  sagaFailed('s3'),
  sagaStarted('s4', 'o4'),
];

describe('projectSalesSummary (aggregates across streams)', () => {
  it('sums sales per UTC day, counts orders by status and the saga success rate', () => {
    const view = project(projectSalesSummary, events)!;
    expect(view.days).toEqual([
      { date: '2025-03-01', orders: 1, confirmed: 1, cancelled: 0, revenue: { EUR: 2500 } },
      { date: '2025-03-02', orders: 3, confirmed: 0, cancelled: 2, revenue: {} },
    ]);
    expect(view.ordersByStatus).toEqual({ PENDING: 1, CONFIRMED: 0, SHIPPED: 1, DELIVERED: 0, CANCELLED: 2 });
    expect(view.sagas).toEqual({
      started: 4,
      running: 0,
      succeeded: 2,
      compensated: 1,
      failed: 1,
      successRate: 0.5,
    });
    expect(view.updatedAt).toBe('2025-03-03T00:00:00.000Z');
    expect(view.orders.o4).toEqual({
      status: 'CANCELLED',
      version: 3,
      placed: { day: '2025-03-02', total: 300, currency: 'EUR' },
      confirmed: true,
    });
  });

  it('gives the same view (identical JSON) whatever the order the events arrive in', () => {
    const expected = JSON.stringify(project(projectSalesSummary, events));
    const reversed = JSON.stringify(project(projectSalesSummary, [...events].reverse()));
    expect(reversed).toBe(expected);
    // a deterministic shuffle of the whole list, and every order of one order's and one saga's events
    const shuffled = [...events].sort((a, b) =>
      a.eventId.split('').reverse().join('') < b.eventId.split('').reverse().join('') ? -1 : 1,
    );
    expect(JSON.stringify(project(projectSalesSummary, shuffled))).toBe(expected);
    const few = [
      placed('o4', 300, 'EUR', '2025-03-02T12:00:00.000Z'),
      confirmed('o4'),
      cancelled('o4', 3),
      sagaStarted('s4', 'o4'),
    ];
    const views = permutations(few).map((p) => JSON.stringify(project(projectSalesSummary, p)));
    expect(new Set(views).size).toBe(1);
  });

  it('is idempotent: every event delivered twice gives the same view', () => {
    expect(project(projectSalesSummary, [...events, ...events])).toEqual(
      project(projectSalesSummary, events),
    );
  });

  it('counts a running saga and reports no rate before any saga finished', () => {
    const view = project(projectSalesSummary, [sagaStarted('s9', 'o9')])!;
    expect(view.sagas).toEqual({
      started: 1,
      running: 1,
      succeeded: 0,
      compensated: 0,
      failed: 0,
      successRate: null,
    });
  });

  it('returns the view unchanged for events it does not count', () => {
    const view = project(projectSalesSummary, events);
    const user = event(
      'UserCreated',
      { userId: 'u', email: 'a@example.com', name: 'A' },
      { streamId: 'u', streamVersion: 1 },
    );
    expect(projectSalesSummary(view, user)).toBe(view);
    expect(projectSalesSummary(undefined, user)).toBeUndefined();
  });

  it('defines its metrics once', () => {
    expect(utcDay('2025-03-01T22:00:00-05:00')).toBe('2025-03-02');
    expect(successRate({ succeeded: 3, compensated: 1, failed: 0 })).toBe(0.75);
    expect(successRate({ succeeded: 0, compensated: 0, failed: 0 })).toBeNull();
  });
});

describe('SalesSummary by delta: counters that add up to the numbers above', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  afterAll(() => ddb.restore());
  const numbers = (list: readonly DomainEvent[]) => {
    const { days, ordersByStatus, sagas } = projectSalesEvents(undefined, list)!;
    return { days, ordersByStatus, sagas };
  };

  /** The numbers the delta projector leaves, each event delivered in a batch of its own, in the order given. */
  async function byDelta(list: readonly DomainEvent[]) {
    ddb.reset();
    const { items } = memoryTable(ddb);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const projector = createSalesProjector({ client, tableName: 'sales' });
    for (const e of list) await projector.project(e);
    return numbersFromCounters(items.get(SALES_SUMMARY_KEY) ?? {});
  }

  it('the counters of every fact give the numbers the single-item projection derived', () => {
    const view = project(projectSalesSummary, events)!;
    expect(numbersFromCounters(countersOf(view.orders, view.sagaRuns))).toEqual(numbers(events));
  });

  it('adds up to the same numbers, delivered one event at a time in any order, twice or once', async () => {
    expect(await byDelta(events)).toEqual(numbers(events));
    expect(await byDelta([...events].reverse())).toEqual(numbers(events));
    expect(await byDelta([...events, ...[...events].reverse()])).toEqual(numbers(events));
    // Every order of an order confirmed then cancelled (revenue in, then out again) and its saga.
    const few = [
      placed('o4', 300, 'EUR', '2025-03-02T12:00:00.000Z'),
      confirmed('o4'),
      cancelled('o4', 3),
      sagaStarted('s4', 'o4'),
    ];
    for (const order of permutations(few)) expect(await byDelta(order)).toEqual(numbers(few));
  });

  it('ignores a status regression by an older stream version', async () => {
    const list = [placed('o1', 2500, 'EUR', '2025-03-01T10:00:00.000Z'), shipped('o1'), confirmed('o1')];
    const summary = await byDelta(list);
    expect(summary.ordersByStatus).toMatchObject({ SHIPPED: 1, CONFIRMED: 0, PENDING: 0 });
    expect(summary).toEqual(numbers(list));
  });

  it('keeps a currency listed while an order earns in it, even at a total of 0', async () => {
    const list = [placed('o5', 0, 'JPY', '2025-03-01T10:00:00.000Z'), confirmed('o5')];
    expect((await byDelta(list)).days).toEqual([
      { date: '2025-03-01', orders: 1, confirmed: 1, cancelled: 0, revenue: { JPY: 0 } },
    ]);
    expect(numbers(list).days[0]?.revenue).toEqual({ JPY: 0 });
  });

  it('splits a batch whose orders bring more runs along than one transaction takes', async () => {
    ddb.reset();
    const { items } = memoryTable(ddb);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const projector = createSalesProjector({ client, tableName: 'sales' });
    const orders = Array.from({ length: 30 }, (_, i) => `o${i}`);
    // Four runs on each order (retries), then every order placed and confirmed in one batch: 24 orders and
    // their 96 runs would be 121 items in one transaction.
    const runs = orders.flatMap((o) => [1, 2, 3, 4].map((k) => sagaStarted(`${o}-run${k}`, o)));
    expect((await projector.projectBatch(runs)).every((r) => r.ok)).toBe(true);
    const lives = orders.flatMap((o) => [placed(o, 100, 'EUR', '2025-03-01T10:00:00.000Z'), confirmed(o)]);
    const results = await projector.projectBatch(lives);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const expected = numbers([...runs, ...lives]);
    expect(expected.sagas).toMatchObject({ started: 120, succeeded: 120 });
    expect(numbersFromCounters(items.get(SALES_SUMMARY_KEY)!)).toEqual(expected);
  });
});
