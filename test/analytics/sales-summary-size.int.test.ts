import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSalesProjector } from '../../functions/analytics/handlers/sales-projector.js';
import { numbersFromCounters } from '../../functions/analytics/read-model/sales-counters.js';
import { projectSalesEvents, SALES_SUMMARY_KEY } from '../../functions/analytics/read-model/sales-summary.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { documentClient } from '../../functions/kernel/store/dynamodb.js';
import { orderLives } from '../helpers/analytics.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

/**
 * SalesSummary on the real DynamoDB Local, kept by delta: the summary item holds counters (days × a few), each
 * order and saga run an item of its own, so neither an item nor the write cost per order grows with the
 * number of orders (the single item it replaces broke DynamoDB's 400 KB at some 3,400 orders).
 */
let tables: LocalTables;
/** Write capacity units DynamoDB reported for the writes made through `metered`. */
let units = 0;
/** Transactions DynamoDB cancelled (another invocation wrote one of their items first). */
let clashes = 0;
let metered: ReturnType<typeof documentClient>;

beforeAll(async () => {
  tables = await startLocalTables();
  const raw = new DynamoDBClient({
    endpoint: tables.local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // What DynamoDB charges for the writes: a transaction 2 units per item of up to 1 KB (DynamoDB Local reports
  // less for transactions, so they are counted here; the summary item's size is asserted below 1 KB and a
  // facts item holds one short string), any other write what DynamoDB Local reports.
  raw.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; TransactItems?: unknown[] };
      const out = await next(args).catch((error: unknown) => {
        const name = (error as Error).name;
        if (name === 'TransactionCanceledException' || name === 'TransactionConflictException') clashes += 1;
        throw error;
      });
      if (input.TransactItems) units += 2 * input.TransactItems.length;
      else if (input.ReturnConsumedCapacity === 'TOTAL') {
        const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
        units += consumed?.CapacityUnits ?? 0;
      }
      return out;
    },
    { step: 'initialize', name: 'meterWrites' },
  );
  // Only the single-item writes (UpdateItem of updatedAt) are asked for their cost: BatchGetItem reads are not.
  raw.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        ReturnConsumedCapacity?: string;
        UpdateExpression?: string;
        Key?: unknown;
      };
      if (input.UpdateExpression && input.Key) input.ReturnConsumedCapacity = 'TOTAL';
      return next(args);
    },
    { step: 'initialize', name: 'askWriteCost', priority: 'high' },
  );
  metered = documentClient(raw);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await tables?.stop();
});

/** Batches of 100 events in the order given, taken by `pollers` invocations at once. */
async function project(tableName: string, events: readonly DomainEvent[], pollers = 2): Promise<void> {
  const projector = createSalesProjector({ client: metered, tableName });
  const queue: DomainEvent[][] = [];
  for (let i = 0; i < events.length; i += 100) queue.push(events.slice(i, i + 100));
  const poller = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const results = await projector.projectBatch(batch, { retryUntil: Date.now() + 20_000 });
      expect(results.filter((r) => !r.ok)).toEqual([]);
    }
  };
  await Promise.all(Array.from({ length: pollers }, poller));
}

async function summaryItem(tableName: string) {
  const { Item } = await tables.doc.send(
    new GetCommand({ TableName: tableName, Key: { id: SALES_SUMMARY_KEY }, ConsistentRead: true }),
  );
  return Item!;
}

describe('SalesSummary kept by delta, on DynamoDB Local', () => {
  it('stays a small item over 5,000 orders, at the same write cost per order for the first and the last', async () => {
    const tableName = await tables.keyedTable();
    const orders = 5_000;
    const costs: number[] = [];
    // Orders one hundred at a time, so the cost of the first hundred and of the last can be read apart.
    for (let from = 0; from < orders; from += 100) {
      const before = units;
      await project(tableName, orderLives(100, { from }));
      costs.push((units - before) / 100);
    }
    const [first, last] = [costs[0]!, costs.at(-1)!];
    console.info(`SalesSummary write units per order: first 100 ${first}, last 100 ${last}`);
    expect(first).toBeGreaterThan(0);
    expect(last).toBeLessThanOrEqual(first * 1.1);

    const item = await summaryItem(tableName);
    const size = Buffer.byteLength(JSON.stringify(item));
    console.info(
      `SalesSummary item after ${orders} orders: ${size} bytes, ${Object.keys(item).length} attributes`,
    );
    expect(size).toBeLessThan(1_024);
    expect(numbersFromCounters(item)).toMatchObject({
      ordersByStatus: { PENDING: 1_666, CONFIRMED: 0, SHIPPED: 1_667, DELIVERED: 0, CANCELLED: 1_667 },
      sagas: { started: 5_000, running: 0, succeeded: 1_667, compensated: 1_667, failed: 1_666 },
    });
  }, 120_000);

  it('ends with the right numbers when three invocations apply the same orders at once, clashing', async () => {
    const tableName = await tables.keyedTable();
    const events = orderLives(300);
    // Each invocation gets every event: two in the same order (at the same batch at the same time), one in the
    // reverse order; every facts item is raced for.
    const reversed = [...events].reverse();
    const before = clashes;
    await Promise.all([
      project(tableName, events, 1),
      project(tableName, events, 1),
      project(tableName, reversed, 1),
    ]);
    expect(clashes).toBeGreaterThan(before);
    const expected = projectSalesEvents(undefined, events)!;
    const item = await summaryItem(tableName);
    expect(numbersFromCounters(item)).toEqual({
      days: expected.days,
      ordersByStatus: expected.ordersByStatus,
      sagas: expected.sagas,
    });
    expect(item.updatedAt).toBe(new Date(expected.updatedAt).toISOString());
  }, 60_000);

  it('answers the query and GraphQL readers from the counters, with the facts items paged on request', async () => {
    const tableName = await tables.keyedTable();
    const events = orderLives(30);
    await project(tableName, events);
    vi.stubEnv('AWS_ENDPOINT_URL', tables.local.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('SALES_SUMMARY_TABLE', tableName);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const context = { awsRequestId: 'req-1', functionName: 'reader' } as unknown as Context;
    const query = (await import('../../functions/analytics/handlers/query.js')).handler;
    const graphql = (await import('../../functions/analytics/handlers/graphql.js')).handler;
    const expected = projectSalesEvents(undefined, events)!;

    const answer = (await query({ includeDetails: true }, context)) as Record<string, unknown>;
    expect(answer).toEqual({
      days: expected.days,
      ordersByStatus: expected.ordersByStatus,
      sagas: expected.sagas,
      updatedAt: new Date(expected.updatedAt).toISOString(),
      orders: expected.orders,
      sagaRuns: expected.sagaRuns,
    });
    expect(await query({}, context)).not.toHaveProperty('orders');
    const stats = await graphql(
      {
        arguments: {},
        identity: null,
        source: null,
        info: { parentTypeName: 'Query', fieldName: 'sagaStats', selectionSetList: [] },
      },
      context,
    );
    expect(stats).toEqual({ ...expected.sagas, updatedAt: new Date(expected.updatedAt).toISOString() });
  });
});
