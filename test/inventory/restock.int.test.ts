import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productStreamId } from '../../functions/inventory/domain/index.js';
import { execute, parseRequest } from '../../functions/inventory/handlers/commands.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import { testMetadata } from '../helpers/inventory.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

// Issue 16: a Restock delivered twice (a retried invoke carries the same command id) adds its units once.

let tables: LocalTables;
let store: EventStore;

beforeAll(async () => {
  tables = await startLocalTables();
  store = createEventStore({ client: tables.doc, tableName: await tables.eventStoreTable() });
}, 60_000);
afterAll(async () => {
  await tables?.stop();
});

const request = (type: string, data: Record<string, unknown>, commandId: string) =>
  parseRequest({
    type,
    data,
    metadata: { commandId, issuedAt: '2026-01-01T00:00:00.000Z', actor: { type: 'user', id: 'admin-1' } },
  });

const run = (type: string, data: Record<string, unknown>, commandId: string) =>
  execute(request(type, data, commandId), { store, metadata: testMetadata() });

const availableOf = async (sku: string) => {
  const answer = await run('Restock', { sku, quantity: 1 }, `probe-${Math.random()}`);
  return (answer.result as { product: { available: number } }).product.available - 1;
};

describe('inventory: Restock is idempotent under retries', () => {
  it('a retried restock with the same command id adds stock once and answers the same product', async () => {
    const sku = 'SKU-RETRY';
    await run('AddProduct', { sku, name: 'Mug', price: 1200, currency: 'EUR', initialStock: 10 }, 'add-1');
    const first = await run('Restock', { sku, quantity: 5 }, 'restock-1');
    const retried = await run('Restock', { sku, quantity: 5 }, 'restock-1');
    expect(first.events.map((e) => e.type)).toEqual(['StockRestocked']);
    expect(retried.events).toEqual([]);
    expect(retried.result).toEqual(first.result);
    expect((first.result as { product: { available: number } }).product.available).toBe(15);
    const stream = await store.load(productStreamId(sku));
    expect(stream.events.filter((e) => e.type === 'StockRestocked')).toHaveLength(1);
  });

  it('restocks with different command ids both count, on one SKU or another', async () => {
    const sku = 'SKU-TWICE';
    await run('AddProduct', { sku, name: 'Tea', price: 500, currency: 'EUR', initialStock: 0 }, 'add-2');
    await run('Restock', { sku, quantity: 3 }, 'restock-a');
    await run('Restock', { sku, quantity: 4 }, 'restock-b');
    expect(await availableOf(sku)).toBe(7);
    // The same command id on another SKU is another claim.
    await run(
      'AddProduct',
      { sku: 'SKU-OTHER', name: 'Cup', price: 500, currency: 'EUR', initialStock: 0 },
      'add-3',
    );
    const other = await run('Restock', { sku: 'SKU-OTHER', quantity: 2 }, 'restock-a');
    expect(other.events).toHaveLength(1);
  });

  it('a restock of an unknown SKU is refused and claims nothing, so a later retry after AddProduct counts', async () => {
    const sku = 'SKU-LATE';
    await expect(run('Restock', { sku, quantity: 2 }, 'restock-late')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await run('AddProduct', { sku, name: 'Pot', price: 900, currency: 'EUR', initialStock: 1 }, 'add-4');
    const retried = await run('Restock', { sku, quantity: 2 }, 'restock-late');
    expect(retried.events).toHaveLength(1);
    expect(await availableOf(sku)).toBe(3);
  });
});
