import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { factsFromItem, idOf } from '../../functions/analytics/handlers/sales-facts-store.js';
import {
  CUSTOMER_SUMMARY_KEY,
  customerSummaryProjection,
} from '../../functions/analytics/read-model/customer-summary.js';
import { numbersFromCounters } from '../../functions/analytics/read-model/sales-counters.js';
import {
  decodeOrder,
  decodeSaga,
  encodeOrder,
  encodeSaga,
  projectSalesEvents,
  projectSalesSummary,
  SALES_SUMMARY_KEY,
  type SalesSummary,
  salesSummaryCodec,
} from '../../functions/analytics/read-model/sales-summary.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { orderLives } from '../helpers/analytics.js';
import { event, fakeLambdaContext, sqsEvent } from '../helpers/events.js';
import { memoryTable } from '../helpers/memory-table.js';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'sales-summary-table';

/** A deterministic shuffle (a failing seed fails the same way every time). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Cut a list into batches of 1 to `max`, sizes from the seed. */
function batches<T>(items: readonly T[], seed: number, max = 40): T[][] {
  const out: T[][] = [];
  let x = seed;
  for (let i = 0; i < items.length; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (x % max);
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

const lives = orderLives(30);

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

describe('the stored form of SalesSummary', () => {
  it('gives back every fact it stores, a saga named after its order or not', () => {
    const view = lives.reduce<SalesSummary | undefined>(projectSalesSummary, undefined)!;
    const item = salesSummaryCodec.toItem(view);
    expect(salesSummaryCodec.fromItem(item)).toEqual(view);
    // The published numbers stay as they are (GraphQL reads `sagas` off the item); the facts are strings.
    expect(item).toMatchObject({ sagas: view.sagas, days: view.days, ordersByStatus: view.ordersByStatus });
    const orderId = '00000000-0000-4000-8000-000000000000';
    expect((item.orders as Record<string, string>)[orderId]).toBe('SHIPPED|3|2025-03-01|1000|USD|1');
    expect((item.sagaRuns as Record<string, string>)[orderId]).toBe('1||0|');
    expect((item.sagaRuns as Record<string, string>)['saga-3']).toBe(
      '1||0|00000000-0000-4000-8000-000000000003',
    );
  });

  it('takes a batch at once (projectAll) exactly as one event after the other', () => {
    const fold = (from: SalesSummary | undefined, list: readonly DomainEvent[]) =>
      list.reduce<SalesSummary | undefined>(projectSalesSummary, from);
    for (const seed of [3, 5, 8]) {
      const list = shuffled([...lives, ...lives.slice(0, 10)], seed);
      expect(JSON.stringify(projectSalesEvents(undefined, list))).toBe(JSON.stringify(fold(undefined, list)));
      // From a view part-way, in batches.
      let view: SalesSummary | undefined;
      for (const batch of batches(list, seed)) view = projectSalesEvents(view, batch);
      expect(JSON.stringify(view)).toBe(JSON.stringify(fold(undefined, list)));
    }
    // Nothing it counts: the same view, not a copy.
    const view = fold(undefined, lives);
    const steps = lives.filter((e) => e.type === 'SagaStepCompleted');
    expect(projectSalesEvents(view, steps)).toBe(view);
    expect(projectSalesEvents(undefined, steps)).toBeUndefined();
  });

  it('keeps unknown fields apart from empty ones, and a subject holding the separator whole', () => {
    for (const facts of [
      { version: 2, confirmed: false },
      { status: 'CANCELLED' as const, version: 3, confirmed: true },
      {
        status: 'PENDING' as const,
        version: 1,
        placed: { day: '2025-03-01', total: 0, currency: 'EUR' },
        confirmed: false,
      },
    ]) {
      expect(decodeOrder(encodeOrder(facts))).toEqual(facts);
    }
    for (const [sagaId, facts] of [
      ['s1', { started: false, outcome: 'COMPENSATED' as const, outcomeVersion: 4 }],
      ['s2', { started: true, subjectId: 's2', outcomeVersion: 0 }],
      ['s3', { started: true, subjectId: 'a|b', outcome: 'FAILED' as const, outcomeVersion: 3 }],
    ] as const) {
      expect(decodeSaga(sagaId, encodeSaga(sagaId, facts))).toEqual(facts);
    }
  });
});

describe('the analytics projector on SQS batches (SalesSummary kept by delta)', () => {
  const context = fakeLambdaContext({ functionName: 'analytics-projector' });
  let handler: (event: unknown, context: unknown) => Promise<unknown>;
  beforeAll(async () => {
    // Before the module loads: its logger and its table are set up from the environment.
    process.env.SALES_SUMMARY_TABLE = TABLE;
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    ({ handler } = (await import('../../functions/analytics/handlers/projector.js')) as unknown as {
      handler: typeof handler;
    });
  });

  /** What the table holds, as the old single item would: numbers, the latest instant and every fact. */
  function asSummary(items: Map<string, Record<string, unknown>>) {
    const summary = items.get(SALES_SUMMARY_KEY) ?? {};
    const orders: Record<string, unknown> = {};
    const sagaRuns: Record<string, unknown> = {};
    for (const [key, item] of [...items].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const facts = factsFromItem(key, item);
      if (facts.order) orders[idOf(key)] = facts.order;
      if (facts.saga) sagaRuns[idOf(key)] = facts.saga;
    }
    return { ...numbersFromCounters(summary), updatedAt: summary.updatedAt, orders, sagaRuns };
  }

  /** The old single-item projection's answer: the reference the deltas must add up to. */
  function reference(events: readonly DomainEvent[]) {
    const view = projectSalesEvents(undefined, events)!;
    return { ...view, updatedAt: new Date(view.updatedAt).toISOString() };
  }

  it('ends with the numbers and facts of the single-item projection, whatever the order, batching, duplicates', async () => {
    const expected = reference(lives);
    expect(expected).toMatchObject({
      ordersByStatus: { PENDING: 10, CONFIRMED: 0, SHIPPED: 10, DELIVERED: 0, CANCELLED: 10 },
      sagas: { started: 30, running: 0, succeeded: 10, compensated: 10, failed: 10 },
    });
    for (const seed of [1, 7, 42, 1234, 99_999]) {
      ddb.reset();
      const { items } = memoryTable(ddb);
      // Every event once, a third of them twice, in a shuffled order, in batches of 1 to 40.
      const deliveries = shuffled([...lives, ...lives.filter((_, i) => i % 3 === 0)], seed);
      for (const batch of batches(deliveries, seed)) {
        expect(await handler(sqsEvent(batch), context)).toEqual({ batchItemFailures: [] });
      }
      expect(asSummary(items)).toEqual(expected);
    }
  });

  it('matches the single-item projection after every batch, not only at the end', async () => {
    const { items } = memoryTable(ddb);
    const deliveries = shuffled(lives, 5);
    let delivered: DomainEvent[] = [];
    for (const batch of batches(deliveries, 5, 12)) {
      await handler(sqsEvent(batch), context);
      delivered = [...delivered, ...batch];
      const counted = delivered.some((e) => e.type !== 'SagaStepCompleted');
      if (counted) expect(asSummary(items)).toEqual(reference(delivered));
    }
  });

  it('writes nothing for a redelivered batch', async () => {
    const { items, calls } = memoryTable(ddb);
    await handler(sqsEvent(lives.slice(0, 60)), context);
    const before = structuredClone([...items]);
    const transactions = calls.transactions;
    expect(await handler(sqsEvent(shuffled(lives.slice(0, 60), 3)), context)).toEqual({
      batchItemFailures: [],
    });
    expect(calls.transactions).toBe(transactions);
    expect([...items]).toEqual(before);
  });

  it('ignores a status regression by an older stream version, whichever arrives first', async () => {
    const [placed, , , confirmed, shipped] = lives;
    for (const order of [
      [placed!, shipped!, confirmed!],
      [confirmed!, shipped!, placed!],
      [shipped!, confirmed!, placed!],
    ]) {
      ddb.reset();
      const { items } = memoryTable(ddb);
      for (const e of order) await handler(sqsEvent([e]), context);
      const { ordersByStatus, days } = asSummary(items);
      expect(ordersByStatus).toMatchObject({ PENDING: 0, CONFIRMED: 0, SHIPPED: 1 });
      expect(days).toEqual([
        { date: '2025-03-01', orders: 1, confirmed: 1, cancelled: 0, revenue: { USD: 1000 } },
      ]);
    }
  });

  it('lets two batches at once clash on shared items, re-apply, and lose nothing', async () => {
    const { items, calls } = memoryTable(ddb);
    const [first, second] = [lives.filter((_, i) => i % 2 === 0), lives.filter((_, i) => i % 2 === 1)];
    const out = await Promise.all([handler(sqsEvent(first), context), handler(sqsEvent(second), context)]);
    expect(out).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(calls.clashes).toBeGreaterThan(0);
    expect(asSummary(items)).toEqual(reference(lives));
  });

  it('reports the record it cannot read and counts the rest of the batch', async () => {
    const { items } = memoryTable(ddb);
    const batch = sqsEvent(lives.slice(0, 3));
    batch.Records[1] = { ...batch.Records[1]!, body: JSON.stringify({ source: 'commerceforge.orders' }) };
    expect(await handler(batch, context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    const summary = asSummary(items);
    // OrderPlaced and SagaStepCompleted (not counted) got through; SagaStarted was the unreadable one.
    expect(summary.ordersByStatus.PENDING).toBe(1);
    expect(summary.sagas.started).toBe(0);
  });

  it('reports the events of a batch whose writes keep failing', async () => {
    memoryTable(ddb);
    ddb
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const out = (await handler(sqsEvent(lives.slice(0, 3)), context)) as { batchItemFailures: unknown[] };
    // OrderPlaced and SagaStarted back to the queue; SagaStepCompleted is not counted.
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }, { itemIdentifier: 'msg-2' }]);
  });

  it('keeps CustomerSummary in its own item of the same table, from the same batches', async () => {
    const { items } = memoryTable(ddb);
    const signup = event(
      'UserCreated',
      { userId: 'u1', email: 'u1@example.com', name: 'U One' },
      { streamId: 'user#u1', streamVersion: 1, occurredAt: '2025-03-01T08:00:00.000Z' },
    );
    await handler(sqsEvent([lives[0]!, signup, signup]), context);
    expect(items.get(CUSTOMER_SUMMARY_KEY)).toMatchObject({ registered: 1, deleted: 0 });
    expect(items.get(CUSTOMER_SUMMARY_KEY)).not.toHaveProperty('_versions');
    expect(customerSummaryProjection.commutative).toBe(true);
  });
});
