import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { createEvent } from '../../functions/kernel/events/metadata.js';
import { rebuildProjection, scanViews } from '../../functions/kernel/projection/dynamodb.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { OrderResult } from '../../functions/orders/handlers/commands.js';
import { orderIdFor } from '../../functions/orders/order-id.js';
import { orderViewProjection } from '../../functions/orders/read-model/order-view.js';
import { invocationCount, onBus, publish, ranTimes, redeliver } from '../helpers/bus.js';
import { type Clients, clientsFor, createViewTable, invoke, succeeded } from '../helpers/invoke.js';
import {
  disableRulesOf,
  eventually,
  type LocalApp,
  physicalName,
  startLocalApp,
} from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let store: EventStore;
let orderView: string;
let priceList: string;

const mug = seedCatalogue.find((p) => p.sku === 'MUG-CLASSIC')!;
const cap = seedCatalogue.find((p) => p.sku === 'CAP-BLACK')!;
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

beforeAll(async () => {
  app = await startLocalApp();
  // This file drives orders through their commands by hand; a fulfillment saga started by each OrderPlaced
  // would race it for the same orders (the saga's own e2e covers that flow).
  await disableRulesOf(app, 'Sagas');
  clients = clientsFor(app);
  store = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Orders', 'EventStore/Table'),
  });
  orderView = physicalName(app, 'Orders', 'OrderView');
  priceList = physicalName(app, 'Orders', 'PriceList');
  // The seed reaches orders' PriceList through the bus (inventory's ProductAdded).
  for (const { sku } of seedCatalogue) await eventually(() => get(priceList, { sku }));
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const get = async (TableName: string, Key: Record<string, string>) =>
  (await clients.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
const orders = (command: unknown, actor?: unknown) =>
  invoke(app, clients.lambda, 'Orders', 'Commands', { command, ...(actor ? { actor } : {}) });
const place = (customerId: string, idempotencyKey: string, items: { sku: string; quantity: number }[]) =>
  orders(
    {
      type: 'PlaceOrder',
      data: { customerId, items, shippingAddress: address, paymentToken: 'tok_visa', idempotencyKey },
    },
    { type: 'user', id: customerId },
  );
const saga = { type: 'service', id: 'saga' };
const streamOf = async (orderId: string) => (await store.load(orderId)).events as DomainEvent[];
const viewAt = (id: string, version: number) =>
  eventually(async () => {
    const item = await get(orderView, { id });
    return item && item.version >= version ? item : undefined;
  });

describe('PlaceOrder', () => {
  it('places an order priced from the catalogue; the same idempotencyKey again is the same order', async () => {
    const first = succeeded<OrderResult>(
      await place('cust-1', 'key-1', [
        { sku: mug.sku, quantity: 2 },
        { sku: cap.sku, quantity: 1 },
      ]),
    );
    const orderId = orderIdFor('cust-1', 'key-1');
    expect(first.result).toMatchObject({
      orderId,
      status: 'PENDING',
      customerId: 'cust-1',
      total: 2 * mug.price + cap.price,
      currency: 'USD',
      items: [
        { sku: mug.sku, quantity: 2, unitPrice: mug.price },
        { sku: cap.sku, quantity: 1, unitPrice: cap.price },
      ],
    });
    expect(first.events).toEqual([
      expect.objectContaining({ type: 'OrderPlaced', streamId: orderId, streamVersion: 1 }),
    ]);

    const second = succeeded<OrderResult>(
      await place('cust-1', 'key-1', [
        { sku: mug.sku, quantity: 2 },
        { sku: cap.sku, quantity: 1 },
      ]),
    );
    expect(second.events).toEqual([]);
    expect(second.result).toEqual(first.result);
    const stream = await streamOf(orderId);
    expect(stream.map((e) => e.type)).toEqual(['OrderPlaced']);

    const bus = await onBus(app, stream[0]!.eventId);
    expect(bus.event).toMatchObject({ source: 'commerceforge.orders', 'detail-type': 'OrderPlaced' });
    expect(bus.event.detail).toMatchObject({
      correlationId: stream[0]!.correlationId,
      causationId: stream[0]!.causationId,
      actor: { type: 'user', id: 'cust-1' },
    });
    expect(await viewAt(orderId, 1)).toMatchObject({
      id: orderId,
      customerId: 'cust-1',
      status: 'PENDING',
      total: first.result.total,
    });
  });

  it('refuses an unknown SKU (NotFoundError naming it) and writes nothing', async () => {
    const out = await place('cust-2', 'key-unknown', [
      { sku: mug.sku, quantity: 1 },
      { sku: 'NO-SUCH-SKU', quantity: 1 },
    ]);
    expect(out).toMatchObject({ ok: false, errorType: 'NotFoundError' });
    expect(!out.ok && out.errorMessage).toContain('NO-SUCH-SKU');
    expect(await streamOf(orderIdFor('cust-2', 'key-unknown'))).toEqual([]);
  });

  it('refuses quantity 0 (ValidationError) and writes nothing', async () => {
    const out = await place('cust-2', 'key-zero', [{ sku: mug.sku, quantity: 0 }]);
    expect(out).toMatchObject({ ok: false, errorType: 'ValidationError' });
    expect(await streamOf(orderIdFor('cust-2', 'key-zero'))).toEqual([]);
  });

  it('refuses a client-supplied price or order id (ValidationError)', async () => {
    const out = await orders({
      type: 'PlaceOrder',
      data: {
        orderId: 'mine',
        customerId: 'cust-2',
        items: [{ sku: mug.sku, quantity: 1 }],
        shippingAddress: address,
        paymentToken: 'tok_visa',
        idempotencyKey: 'key-price',
        products: [{ sku: mug.sku, price: 1, currency: 'USD' }],
      },
    });
    expect(out).toMatchObject({ ok: false, errorType: 'ValidationError' });
    expect(await streamOf(orderIdFor('cust-2', 'key-price'))).toEqual([]);
  });
});

describe('the order lifecycle in OrderView', () => {
  it('confirmed, then cancelled with a reason; a redelivered event changes nothing', async () => {
    const placed = succeeded<OrderResult>(await place('cust-3', 'key-3', [{ sku: mug.sku, quantity: 1 }]));
    const { orderId } = placed.result;
    const confirmed = succeeded<OrderResult>(
      await orders(
        { type: 'ConfirmOrder', data: { orderId, paymentId: 'pay-3', shipmentId: 'ship-3' } },
        saga,
      ),
    );
    expect(confirmed.result).toMatchObject({ status: 'CONFIRMED', paymentId: 'pay-3', shipmentId: 'ship-3' });
    expect(await viewAt(orderId, 2)).toMatchObject({ status: 'CONFIRMED', paymentId: 'pay-3' });

    // EventBridge delivers at least once: the projector applies OrderConfirmed once.
    const runs = invocationCount(app, 'Orders', 'Projector');
    await redeliver(app, confirmed.events[0]!.eventId);
    await ranTimes(app, 'Orders', 'Projector', runs + 1);
    expect(await get(orderView, { id: orderId })).toMatchObject({ status: 'CONFIRMED', version: 2, _rev: 2 });

    const cancelled = succeeded<OrderResult>(
      await orders(
        { type: 'CancelOrder', data: { orderId, reason: 'shipping failed', failedStep: 'CreateShipment' } },
        saga,
      ),
    );
    expect(cancelled.result).toMatchObject({ status: 'CANCELLED', failureReason: 'shipping failed' });
    expect(await viewAt(orderId, 3)).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'shipping failed',
      failedStep: 'CreateShipment',
    });
    // Cancelling twice is cancelling once (a compensation is retried).
    expect(
      succeeded(await orders({ type: 'CancelOrder', data: { orderId, reason: 'again' } }, saga)).events,
    ).toEqual([]);
  });

  it('ships and delivers a confirmed order; refuses to confirm an unknown one (NotFoundError)', async () => {
    const { result } = succeeded<OrderResult>(
      await place('cust-4', 'key-4', [{ sku: cap.sku, quantity: 3 }]),
    );
    const { orderId } = result;
    succeeded(
      await orders(
        { type: 'ConfirmOrder', data: { orderId, paymentId: 'pay-4', shipmentId: 'ship-4' } },
        saga,
      ),
    );
    succeeded(
      await orders(
        { type: 'ShipOrder', data: { orderId, shipmentId: 'ship-4', carrier: 'UPS', trackingNumber: '1Z4' } },
        saga,
      ),
    );
    const delivered = succeeded<OrderResult>(
      await orders(
        {
          type: 'DeliverOrder',
          data: { orderId, shipmentId: 'ship-4', deliveredAt: '2026-11-24T10:00:00.000Z' },
        },
        saga,
      ),
    );
    expect(delivered.result).toMatchObject({ status: 'DELIVERED' });
    expect(await viewAt(orderId, 4)).toMatchObject({
      status: 'DELIVERED',
      carrier: 'UPS',
      trackingNumber: '1Z4',
    });
    expect(
      await orders(
        { type: 'ConfirmOrder', data: { orderId: 'nope', paymentId: 'p', shipmentId: 's' } },
        saga,
      ),
    ).toMatchObject({
      ok: false,
      errorType: 'NotFoundError',
    });
    expect(await streamOf('nope')).toEqual([]);
  });
});

describe('choreography with shipping', () => {
  const fromShipping = (n: number) => ({
    eventId: `evt-shipping-${n}`,
    occurredAt: new Date().toISOString(),
    correlationId: 'corr-shipping-5',
    causationId: 'cmd-shipping-5',
    traceparent: '00-6741c0de00000000000000000000beef-00000000000000bb-01',
    actor: { type: 'service' as const, id: 'shipping' },
  });

  it('ShipmentDispatched ships the confirmed order and ShipmentDelivered delivers it, once each, caused by them', async () => {
    const { result } = succeeded<OrderResult>(
      await place('cust-5', 'key-5', [{ sku: mug.sku, quantity: 1 }]),
    );
    const { orderId } = result;
    succeeded(
      await orders(
        { type: 'ConfirmOrder', data: { orderId, paymentId: 'pay-5', shipmentId: 'ship-5' } },
        saga,
      ),
    );

    const dispatched = createEvent(
      {
        type: 'ShipmentDispatched',
        data: { shipmentId: 'ship-5', orderId, carrier: 'DHL', trackingNumber: 'JD5' },
        streamId: 'shipment#ship-5',
        streamVersion: 2,
      },
      fromShipping(1),
    );
    publish(app, dispatched);
    expect(await viewAt(orderId, 3)).toMatchObject({
      status: 'SHIPPED',
      carrier: 'DHL',
      trackingNumber: 'JD5',
    });
    const shipped = (await streamOf(orderId))[2]!;
    expect(shipped).toMatchObject({
      type: 'OrderShipped',
      correlationId: 'corr-shipping-5',
      causationId: 'evt-shipping-1',
    });

    // Delivered again (an EventBridge retry): the order is shipped once.
    const runs = invocationCount(app, 'Orders', 'OnShipment');
    await redeliver(app, dispatched.eventId);
    await ranTimes(app, 'Orders', 'OnShipment', runs + 1);
    expect(await streamOf(orderId)).toHaveLength(3);

    publish(
      app,
      createEvent(
        {
          type: 'ShipmentDelivered',
          data: { shipmentId: 'ship-5', orderId, deliveredAt: '2026-11-25T08:00:00.000Z' },
          streamId: 'shipment#ship-5',
          streamVersion: 3,
        },
        fromShipping(2),
      ),
    );
    expect(await viewAt(orderId, 4)).toMatchObject({
      status: 'DELIVERED',
      deliveredAt: '2026-11-25T08:00:00.000Z',
    });
  });
});

describe('OrderView', () => {
  it('rebuilt from the store equals the live read model', async () => {
    const rebuilt = await createViewTable(clients.dynamodb, `rebuild-order-view-${Date.now()}`, 'id');
    await eventually(async () => {
      await rebuildProjection({
        source: store,
        projection: orderViewProjection,
        client: clients.doc,
        tableName: rebuilt,
        clear: true,
      });
      const [live, fresh] = await Promise.all([
        scanViews(clients.doc, orderView, 'id'),
        scanViews(clients.doc, rebuilt, 'id'),
      ]);
      return JSON.stringify(sorted(live)) === JSON.stringify(sorted(fresh)) ? true : undefined;
    });
    const [live, fresh] = await Promise.all([
      scanViews(clients.doc, orderView, 'id'),
      scanViews(clients.doc, rebuilt, 'id'),
    ]);
    expect(fresh).toEqual(live);
    expect(Object.keys(live)).toHaveLength(4);
  });
});

function sorted(views: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(views).sort(([a], [b]) => a.localeCompare(b)));
}
