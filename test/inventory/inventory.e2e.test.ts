import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryResult } from '../../functions/inventory/handlers/commands.js';
import { productViewProjection } from '../../functions/inventory/read-model/product-view.js';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { rebuildProjection, scanViews } from '../../functions/kernel/projection/dynamodb.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import { type Clients, clientsFor, createViewTable, invoke, succeeded } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let store: EventStore;
let viewTable: string;

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  store = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Inventory', 'EventStore/Table'),
  });
  viewTable = physicalName(app, 'Inventory', 'ProductView');
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const inventory = (command: unknown, extra: Record<string, unknown> = {}) =>
  invoke(app, clients.lambda, 'Inventory', 'Commands', { command, ...extra });
const addProduct = (sku: string, initialStock: number, price = 1000) =>
  inventory({
    type: 'AddProduct',
    data: { sku, name: `Product ${sku}`, price, currency: 'USD', initialStock },
  });
const reserve = (orderId: string, items: { sku: string; quantity: number }[]) =>
  inventory({ type: 'ReserveStock', data: { orderId, items } }, { actor: { type: 'service', id: 'saga' } });
const release = (orderId: string) =>
  inventory({ type: 'ReleaseStock', data: { orderId, reason: 'payment declined' } });

const streamOf = async (streamId: string) => (await store.load(streamId)).events as DomainEvent[];
const viewOf = async (sku: string) =>
  (await clients.doc.send(new GetCommand({ TableName: viewTable, Key: { sku }, ConsistentRead: true }))).Item;
/** The view once its product stream's version `version` is in it. */
const viewAt = (sku: string, version: number) =>
  eventually(async () => {
    const item = await viewOf(sku);
    return item && item.version >= version ? item : undefined;
  });
const onBus = (eventId: string) =>
  eventually(() =>
    app.plugins.eventBridge.service!.bridge.events.find(
      (e) => (e.event.detail as { eventId?: string }).eventId === eventId,
    ),
  );

describe('the seed catalogue', () => {
  it('is in ProductView shortly after start-up, in stock', async () => {
    for (const product of seedCatalogue) {
      const view = await viewAt(product.sku, 1);
      expect(view).toMatchObject({
        sku: product.sku,
        name: product.name,
        price: product.price,
        currency: product.currency,
        available: product.initialStock,
        reserved: 0,
      });
    }
  });
});

describe('AddProduct', () => {
  it('appends ProductAdded to product#<SKU>, relays it to the bus with its ids, and projects it', async () => {
    const out = succeeded<InventoryResult>(await addProduct('E2E-LAMP', 7, 4500));
    expect(out.result).toMatchObject({
      product: { sku: 'E2E-LAMP', price: 4500, available: 7, reserved: 0 },
    });
    expect(out.events).toEqual([
      expect.objectContaining({ type: 'ProductAdded', streamId: 'product#E2E-LAMP', streamVersion: 1 }),
    ]);
    const [stored] = await streamOf('product#E2E-LAMP');
    expect(stored?.eventId).toBe(out.events[0]?.eventId);
    const bus = await onBus(stored!.eventId);
    expect(bus.event.source).toBe('commerceforge.inventory');
    expect(bus.event.detail).toMatchObject({
      correlationId: stored!.correlationId,
      causationId: stored!.causationId,
    });
    expect(stored!.correlationId).toMatch(/.+/);
    expect(await viewAt('E2E-LAMP', 1)).toMatchObject({
      name: 'Product E2E-LAMP',
      available: 7,
      reserved: 0,
    });
  });

  it('refuses a negative price (ValidationError) and writes nothing', async () => {
    const out = await addProduct('E2E-NEGATIVE', 3, -100);
    expect(out).toMatchObject({ ok: false, errorType: 'ValidationError' });
    expect(await streamOf('product#E2E-NEGATIVE')).toEqual([]);
  });

  it('refuses a SKU already in the catalogue (BusinessRuleError) and writes nothing', async () => {
    const seeded = seedCatalogue[0]!;
    await viewAt(seeded.sku, 1);
    const before = await streamOf(`product#${seeded.sku}`);
    const out = await addProduct(seeded.sku, 1);
    expect(out).toMatchObject({ ok: false, errorType: 'BusinessRuleError' });
    expect(await streamOf(`product#${seeded.sku}`)).toEqual(before);
  });
});

describe('ReserveStock and ReleaseStock', () => {
  beforeAll(async () => {
    succeeded(await addProduct('E2E-CHAIR', 5));
    succeeded(await addProduct('E2E-DESK', 2));
  });

  it('reserves every line of an order in one transaction: the reservation stream and the product ledgers', async () => {
    const out = succeeded<InventoryResult>(
      await reserve('order-e2e-1', [
        { sku: 'E2E-CHAIR', quantity: 2 },
        { sku: 'E2E-DESK', quantity: 1 },
      ]),
    );
    expect(out.result).toMatchObject({
      orderId: 'order-e2e-1',
      status: 'RESERVED',
      reservationId: 'order-e2e-1',
    });
    expect(out.events.map((e) => `${e.type}@${e.streamId}`).sort()).toEqual([
      'StockReserved@product#E2E-CHAIR',
      'StockReserved@product#E2E-DESK',
      'StockReserved@reservation#order-e2e-1',
    ]);
    expect(await viewAt('E2E-CHAIR', 2)).toMatchObject({ available: 3, reserved: 2 });
    expect(await viewAt('E2E-DESK', 2)).toMatchObject({ available: 1, reserved: 1 });
  });

  it('reserves an order once: the same ReserveStock again moves no stock', async () => {
    const again = succeeded<InventoryResult>(
      await reserve('order-e2e-1', [
        { sku: 'E2E-DESK', quantity: 1 },
        { sku: 'E2E-CHAIR', quantity: 2 },
      ]),
    );
    expect(again.events).toEqual([]);
    expect(again.result).toMatchObject({ status: 'RESERVED' });
    expect((await streamOf('product#E2E-CHAIR')).map((e) => e.type)).toEqual([
      'ProductAdded',
      'StockReserved',
    ]);
    expect(await viewOf('E2E-CHAIR')).toMatchObject({ available: 3, reserved: 2, version: 2 });
  });

  it('refuses an order with too little stock: StockReservationFailed recorded, no stock moved', async () => {
    const out = await reserve('order-e2e-short', [
      { sku: 'E2E-CHAIR', quantity: 1 },
      { sku: 'E2E-DESK', quantity: 5 },
    ]);
    expect(out).toMatchObject({ ok: false, errorType: 'StockReservationFailedError' });
    const [failed, ...rest] = await streamOf('reservation#order-e2e-short');
    expect(rest).toEqual([]);
    expect(failed).toMatchObject({
      type: 'StockReservationFailed',
      data: { reason: 'OUT_OF_STOCK', unavailable: [{ sku: 'E2E-DESK', requested: 5, available: 1 }] },
    });
    expect(await streamOf('product#E2E-CHAIR')).toHaveLength(2);
    expect(await streamOf('product#E2E-DESK')).toHaveLength(2);
    // A retried saga task gets the same answer, from the recorded failure.
    expect(
      await reserve('order-e2e-short', [
        { sku: 'E2E-CHAIR', quantity: 1 },
        { sku: 'E2E-DESK', quantity: 5 },
      ]),
    ).toMatchObject({
      ok: false,
      errorType: 'StockReservationFailedError',
    });
    expect(await streamOf('reservation#order-e2e-short')).toHaveLength(1);
  });

  it('refuses an unknown SKU as a failed reservation, nothing reserved', async () => {
    const out = await reserve('order-e2e-unknown', [
      { sku: 'E2E-CHAIR', quantity: 1 },
      { sku: 'E2E-NOSUCH', quantity: 1 },
    ]);
    expect(out).toMatchObject({ ok: false, errorType: 'StockReservationFailedError' });
    expect((await streamOf('reservation#order-e2e-unknown'))[0]).toMatchObject({
      data: { reason: 'UNKNOWN_SKU' },
    });
    expect(await streamOf('product#E2E-CHAIR')).toHaveLength(2);
  });

  it('refuses quantity 0 (ValidationError), nothing written', async () => {
    const out = await reserve('order-e2e-zero', [{ sku: 'E2E-CHAIR', quantity: 0 }]);
    expect(out).toMatchObject({ ok: false, errorType: 'ValidationError' });
    expect(await streamOf('reservation#order-e2e-zero')).toEqual([]);
  });

  it('release puts the stock back where it was, once', async () => {
    const out = succeeded<InventoryResult>(await release('order-e2e-1'));
    expect(out.result).toMatchObject({ status: 'RELEASED', reason: 'payment declined' });
    expect(out.events).toHaveLength(3);
    expect(await viewAt('E2E-CHAIR', 3)).toMatchObject({ available: 5, reserved: 0 });
    expect(await viewAt('E2E-DESK', 3)).toMatchObject({ available: 2, reserved: 0 });
    const again = succeeded<InventoryResult>(await release('order-e2e-1'));
    expect(again.events).toEqual([]);
    expect(await streamOf('product#E2E-CHAIR')).toHaveLength(3);
    // Releasing what was never reserved is a no-op too (a compensation is safe to retry).
    expect(succeeded<InventoryResult>(await release('order-e2e-never')).result).toEqual({
      orderId: 'order-e2e-never',
      status: 'NONE',
    });
  });

  it('never oversells under concurrent reservations of the last units', async () => {
    succeeded(await addProduct('E2E-LAST', 3));
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => reserve(`order-e2e-race-${n}`, [{ sku: 'E2E-LAST', quantity: 1 }])),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.errorType)).toEqual([
      'StockReservationFailedError',
      'StockReservationFailedError',
    ]);
    expect(await viewAt('E2E-LAST', 4)).toMatchObject({ available: 0, reserved: 3 });
  });
});

describe('ProductView', () => {
  it('rebuilt from the store equals the live read model', async () => {
    const rebuilt = await createViewTable(clients.dynamodb, `rebuild-product-view-${Date.now()}`, 'sku');
    // The live model first catches up with the store.
    await eventually(async () => {
      const views = await scanViews(clients.doc, viewTable, 'sku');
      const streams = new Set<string>();
      for await (const e of store.readAll()) if (e.streamId.startsWith('product#')) streams.add(e.streamId);
      return Object.keys(views).length === streams.size ? true : undefined;
    });
    await eventually(async () => {
      await rebuildProjection({
        source: store,
        projection: productViewProjection,
        client: clients.doc,
        tableName: rebuilt,
        clear: true,
      });
      const [live, fresh] = await Promise.all([
        scanViews(clients.doc, viewTable, 'sku'),
        scanViews(clients.doc, rebuilt, 'sku'),
      ]);
      return JSON.stringify(sorted(live)) === JSON.stringify(sorted(fresh)) ? true : undefined;
    });
    const [live, fresh] = await Promise.all([
      scanViews(clients.doc, viewTable, 'sku'),
      scanViews(clients.doc, rebuilt, 'sku'),
    ]);
    expect(fresh).toEqual(live);
    expect(Object.keys(live).length).toBeGreaterThanOrEqual(seedCatalogue.length + 4);
  });
});

function sorted(views: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(views).sort(([a], [b]) => a.localeCompare(b)));
}
