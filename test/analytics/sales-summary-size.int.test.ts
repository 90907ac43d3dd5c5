import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  projectSalesEvents,
  SALES_SUMMARY_KEY,
  salesSummaryCodec,
  salesSummaryProjection,
} from '../../functions/analytics/read-model/sales-summary.js';
import { createProjector } from '../../functions/kernel/projection/projector.js';
import { itemFromState } from '../../functions/kernel/projection/view.js';
import { orderLives } from '../helpers/analytics.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

/**
 * SalesSummary is one item for the whole platform, and DynamoDB takes items up to 400 KB: how many orders fit,
 * on the real DynamoDB Local. The platform names each saga after its order (the execution name is the
 * orderId), so the facts of an order and its saga cost one id, not two.
 */
let tables: LocalTables;

beforeAll(async () => {
  tables = await startLocalTables();
});
afterAll(async () => {
  await tables?.stop();
});

/** Whether DynamoDB takes SalesSummary with the facts of `orders` orders in one item. */
async function fits(tableName: string, orders: number, sagaIds?: 'apart'): Promise<boolean> {
  const view = projectSalesEvents(undefined, orderLives(orders, { sagaIds: sagaIds ?? 'order' }));
  const item = itemFromState(
    { view, versions: {}, pending: {}, revision: 0 },
    'id',
    SALES_SUMMARY_KEY,
    1,
    salesSummaryCodec,
  );
  try {
    await tables.doc.send(new PutCommand({ TableName: tableName, Item: item }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ValidationException') return false;
    throw error;
  }
}

/** The most orders that fit, by bisection between one that fits and one that does not. */
async function most(tableName: string, sagaIds?: 'apart'): Promise<number> {
  let [yes, no] = [2_000, 12_000];
  expect(await fits(tableName, yes, sagaIds)).toBe(true);
  expect(await fits(tableName, no, sagaIds)).toBe(false);
  while (no - yes > 50) {
    const mid = Math.floor((yes + no) / 2);
    if (await fits(tableName, mid, sagaIds)) yes = mid;
    else no = mid;
  }
  return yes;
}

describe('SalesSummary in one item, on DynamoDB Local', () => {
  it('holds 2,000 orders and their sagas, projected in batches of 100 by two writers at once', async () => {
    const tableName = await tables.keyedTable();
    const projector = createProjector({ client: tables.doc, tableName, projection: salesSummaryProjection });
    const events = orderLives(2_000, { sagaIds: 'order' });
    const queue: (typeof events)[] = [];
    for (let i = 0; i < events.length; i += 100) queue.push(events.slice(i, i + 100));
    const poller = async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        // As the handler does: clashes retried for most of an invocation (here 20 s).
        const results = await projector.projectBatch(batch, { retryUntil: Date.now() + 20_000 });
        expect(results.filter((r) => !r.ok)).toEqual([]);
      }
    };
    await Promise.all([poller(), poller()]);

    const { Item } = await tables.doc.send(
      new GetCommand({ TableName: tableName, Key: { id: SALES_SUMMARY_KEY }, ConsistentRead: true }),
    );
    const view = salesSummaryCodec.fromItem(Item!);
    expect(Object.keys(view.orders)).toHaveLength(2_000);
    expect(view.ordersByStatus).toEqual({
      PENDING: 666,
      CONFIRMED: 0,
      SHIPPED: 667,
      DELIVERED: 0,
      CANCELLED: 667,
    });
    expect(view.sagas).toMatchObject({ started: 2_000, succeeded: 667, compensated: 667, failed: 666 });
    expect(Item).not.toHaveProperty('_versions');
  });

  it('holds some 3,400 orders whose sagas are named after them (measured by bisection)', async () => {
    const tableName = await tables.keyedTable();
    const named = await most(tableName);
    const apart = await most(tableName, 'apart');
    console.info(
      `SalesSummary holds ${named} orders (saga named after its order), ${apart} (saga ids apart)`,
    );
    expect(named).toBeGreaterThanOrEqual(3_300);
    // Saga ids of their own (short ones here: `saga-<n>`) cost their id and the subject's.
    expect(apart).toBeGreaterThanOrEqual(3_000);
  });
});
