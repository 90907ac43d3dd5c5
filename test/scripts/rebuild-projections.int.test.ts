import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import { scanViews } from '../../functions/kernel/projection/dynamodb.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import { loadRegistry, parseArgs, rebuildProjections } from '../../scripts/rebuild-projections.js';
import { anEnvelope, orderPlacedV2 } from '../helpers/events.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

// Issue 16: every read model can be rebuilt, including those fed by other services' events (orders'
// PriceList from inventory, reviews' ReviewableOrders and notifications' OrderCustomer from orders).

let tables: LocalTables;
let ordersStore: string;
let inventoryStore: string;

const productAdded = (sku: string, price: number): EventEnvelope =>
  anEnvelope({
    type: 'ProductAdded',
    source: 'inventory',
    eventId: `added-${sku}`,
    streamId: `product#${sku}`,
    streamVersion: 1,
    data: { sku, name: `Product ${sku}`, price, currency: 'EUR', initialStock: 5 },
  });

beforeAll(async () => {
  tables = await startLocalTables();
  ordersStore = await tables.eventStoreTable();
  inventoryStore = await tables.eventStoreTable();
  const orders = createEventStore({ client: tables.doc, tableName: ordersStore });
  const inventory = createEventStore({ client: tables.doc, tableName: inventoryStore });
  for (const [sku, price] of [
    ['SKU-MUG', 1250],
    ['SKU-TEA', 899],
  ] as const) {
    await inventory.append(`product#${sku}`, 0, [productAdded(sku, price) as DomainEvent]);
  }
  for (const n of [1, 2]) {
    const data = { ...orderPlacedV2().data, orderId: `order-${n}`, customerId: `cust-${n}` };
    await orders.append(`order-${n}`, 0, [
      orderPlacedV2({ eventId: `placed-${n}`, streamId: `order-${n}`, data }) as DomainEvent,
    ]);
  }
}, 60_000);
afterAll(async () => {
  await tables?.stop();
});

describe('rebuild-projections from other services’ stores', () => {
  it("knows which stores feed each service's read models", async () => {
    expect((await loadRegistry('orders')).sources).toEqual(['orders', 'inventory']);
    expect((await loadRegistry('orders')).projections.map((p) => p.name)).toEqual(['OrderView', 'PriceList']);
    expect((await loadRegistry('reviews')).projections.map((p) => p.name)).toContain('ReviewableOrders');
    expect(await loadRegistry('notifications')).toMatchObject({ sources: ['orders'] });
  });

  it("rebuilds orders' PriceList from inventory's store and OrderView from its own, with progress", async () => {
    const priceList = await tables.keyedTable(undefined, 'sku');
    const orderView = await tables.keyedTable();
    const lines: string[] = [];
    const results = await rebuildProjections({
      service: 'orders',
      eventStoreTable: ordersStore,
      storeTables: { inventory: inventoryStore },
      tables: { PriceList: priceList, OrderView: orderView },
      client: tables.doc,
      progress: (line) => lines.push(line),
    });
    expect(results.PriceList).toMatchObject({ events: 4, views: 2 });
    expect(results.OrderView).toMatchObject({ views: 2 });
    const prices = Object.values(await scanViews(tables.doc, priceList, 'sku'));
    expect(prices.map((p) => [p.sku, p.price]).sort()).toEqual([
      ['SKU-MUG', 1250],
      ['SKU-TEA', 899],
    ]);
    expect(lines).toEqual([
      'orders store: 2 events',
      'inventory store: 2 events',
      `[1/2] OrderView → ${orderView}`,
      `[2/2] PriceList → ${priceList}`,
    ]);
  });

  it("rebuilds reviews' ReviewableOrders from orders' store beside ProductRating from its own", async () => {
    const reviewsStore = await tables.eventStoreTable();
    const reviewableOrders = await tables.keyedTable(undefined, 'orderId');
    const productRating = await tables.keyedTable(undefined, 'sku');
    const results = await rebuildProjections({
      service: 'reviews',
      eventStoreTable: reviewsStore,
      storeTables: { orders: ordersStore },
      tables: { ReviewableOrders: reviewableOrders, ProductRating: productRating },
      client: tables.doc,
    });
    expect(results.ReviewableOrders).toMatchObject({ views: 2 });
    const views = Object.values(await scanViews(tables.doc, reviewableOrders, 'orderId'));
    const { items } = orderPlacedV2().data as { items: Array<{ sku: string }> };
    const skus = [...new Set(items.map((line) => line.sku))];
    expect(skus.length).toBeGreaterThan(0);
    expect(views.map((v) => [v.orderId, v.customerId, v.skus, v.delivered]).sort()).toEqual([
      ['order-1', 'cust-1', skus, false],
      ['order-2', 'cust-2', skus, false],
    ]);
  });

  it("rebuilds notifications' OrderCustomer from orders' store, and refuses to start without every store", async () => {
    const orderCustomer = await tables.keyedTable(undefined, 'orderId');
    await expect(
      rebuildProjections({
        service: 'notifications',
        tables: { OrderCustomer: orderCustomer },
        client: tables.doc,
      }),
    ).rejects.toThrow(/EVENT_STORE_TABLE_ORDERS/);
    expect(await scanViews(tables.doc, orderCustomer, 'orderId')).toEqual({});
    await rebuildProjections({
      service: 'notifications',
      storeTables: { orders: ordersStore },
      tables: { OrderCustomer: orderCustomer },
      client: tables.doc,
    });
    const views = Object.values(await scanViews(tables.doc, orderCustomer, 'orderId'));
    expect(views.map((v) => [v.orderId, v.customerId]).sort()).toEqual([
      ['order-1', 'cust-1'],
      ['order-2', 'cust-2'],
    ]);
    expect(parseArgs(['orders', '--source', 'inventory=inv-table']).sources).toEqual({
      inventory: 'inv-table',
    });
    expect(() => parseArgs(['orders', '--source', 'inventory'])).toThrow(/--source takes/);
  });
});
