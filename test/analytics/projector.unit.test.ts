import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CUSTOMER_SUMMARY_KEY,
  customerSummaryProjection,
} from '../../functions/analytics/read-model/customer-summary.js';
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
  salesSummaryProjection,
} from '../../functions/analytics/read-model/sales-summary.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { rebuildProjection } from '../../functions/kernel/projection/rebuild.js';
import { orderLives } from '../helpers/analytics.js';
import { event, fakeLambdaContext, sqsEvent } from '../helpers/events.js';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const TABLE = 'sales-summary-table';

/**
 * One table in memory behind the mocked document client, with DynamoDB's conditional put: a write made on a
 * stale `_rev` fails as it would, so two batches racing for the summary item really clash.
 */
function table() {
  const items = new Map<string, Record<string, unknown>>();
  let writes = 0;
  let clashes = 0;
  ddb.on(GetCommand).callsFake(async (input: { Key: { id: string } }) => {
    await new Promise((resolve) => setImmediate(resolve));
    const item = items.get(input.Key.id);
    return { Item: item ? structuredClone(item) : undefined };
  });
  ddb
    .on(PutCommand)
    .callsFake(
      async (input: {
        Item: Record<string, unknown>;
        ExpressionAttributeValues?: Record<string, unknown>;
      }) => {
        await new Promise((resolve) => setImmediate(resolve));
        const id = String(input.Item.id);
        const current = items.get(id);
        const expected = input.ExpressionAttributeValues?.[':r'];
        if (expected === undefined ? current !== undefined : current?._rev !== expected) {
          clashes += 1;
          throw Object.assign(new Error('The conditional request failed'), {
            name: 'ConditionalCheckFailedException',
          });
        }
        writes += 1;
        items.set(id, structuredClone(input.Item));
        return {};
      },
    );
  // The rebuild's writes.
  ddb
    .on(BatchWriteCommand)
    .callsFake(
      async (input: {
        RequestItems: Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>;
      }) => {
        for (const request of Object.values(input.RequestItems).flat()) {
          if (request.PutRequest)
            items.set(String(request.PutRequest.Item.id), structuredClone(request.PutRequest.Item));
        }
        return {};
      },
    );
  return { items, stats: () => ({ writes, clashes }) };
}

/** The item as it would be compared: no `_rev` (a rebuild writes 1), keys in order. */
const stable = (item: Record<string, unknown> | undefined) => {
  const { _rev, ...rest } = item ?? {};
  return JSON.stringify(rest, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
};

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

describe('the analytics projector on SQS batches', () => {
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

  it('ends with the same summary item whatever the order, the batching and the duplicates', async () => {
    // Reference: the kernel's rebuild (each stream in order, one event at a time) into a fresh table.
    const reference = table();
    await rebuildProjection({
      source: {
        async *readAll() {
          yield* lives;
        },
      },
      projection: salesSummaryProjection,
      client,
      tableName: TABLE,
    });
    const expected = stable(reference.items.get(SALES_SUMMARY_KEY));
    expect(JSON.parse(expected)).toMatchObject({
      ordersByStatus: { PENDING: 10, CONFIRMED: 0, SHIPPED: 10, DELIVERED: 0, CANCELLED: 10 },
      sagas: { started: 30, running: 0, succeeded: 10, compensated: 10, failed: 10 },
    });
    expect(expected).not.toContain('_versions');

    for (const seed of [1, 7, 42, 1234, 99_999]) {
      ddb.reset();
      const live = table();
      // Every event once, a third of them twice, in a shuffled order, in batches of 1 to 40.
      const deliveries = shuffled([...lives, ...lives.filter((_, i) => i % 3 === 0)], seed);
      for (const batch of batches(deliveries, seed)) {
        const out = await handler(sqsEvent(batch), context);
        expect(out).toEqual({ batchItemFailures: [] });
      }
      expect(stable(live.items.get(SALES_SUMMARY_KEY))).toBe(expected);
    }
  });

  it('reads and writes the summary once per batch, however many events it holds', async () => {
    const { stats } = table();
    await handler(sqsEvent(lives.slice(0, 100)), context);
    expect(
      ddb.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.id === SALES_SUMMARY_KEY),
    ).toHaveLength(1);
    expect(stats()).toEqual({ writes: 1, clashes: 0 });
  });

  it('lets two batches at once clash on the summary, re-apply, and lose nothing', async () => {
    const { items, stats } = table();
    const [first, second] = [lives.filter((_, i) => i % 2 === 0), lives.filter((_, i) => i % 2 === 1)];
    const out = await Promise.all([handler(sqsEvent(first), context), handler(sqsEvent(second), context)]);
    expect(out).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(stats().clashes).toBeGreaterThan(0);
    const view = salesSummaryCodec.fromItem(items.get(SALES_SUMMARY_KEY)!);
    expect(view.sagas).toMatchObject({ started: 30, succeeded: 10, compensated: 10, failed: 10 });
  });

  it('reports the record it cannot read and counts the rest of the batch', async () => {
    const { items } = table();
    const batch = sqsEvent(lives.slice(0, 3));
    batch.Records[1] = { ...batch.Records[1]!, body: JSON.stringify({ source: 'commerceforge.orders' }) };
    expect(await handler(batch, context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    const view = salesSummaryCodec.fromItem(items.get(SALES_SUMMARY_KEY)!);
    // OrderPlaced and SagaStepCompleted (not counted) got through; SagaStarted was the unreadable one.
    expect(view.ordersByStatus.PENDING).toBe(1);
    expect(view.sagas.started).toBe(0);
  });

  it('keeps CustomerSummary in its own item of the same table, from the same batches', async () => {
    const { items } = table();
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
