import { describe, expect, it } from 'vitest';
import {
  productViewKey,
  productViewProjection,
  projectProductView,
} from '../../functions/inventory/read-model/product-view.js';
import { event, project } from '../helpers/events.js';

const mug = (streamVersion: number) => ({
  streamId: 'product#SKU-MUG',
  streamVersion,
  occurredAt: `2025-03-01T12:00:0${streamVersion}.000Z`,
});
const reservationStream = { streamId: 'reservation-order-1', streamVersion: 1 };

const added = event(
  'ProductAdded',
  { sku: 'SKU-MUG', name: 'Red mug', price: 1250, currency: 'EUR', initialStock: 10 },
  mug(1),
);
// The product stream's ledger copy: this SKU's line alone.
const reserved = event(
  'StockReserved',
  { reservationId: 'res-1', orderId: 'order-1', items: [{ sku: 'SKU-MUG', quantity: 3 }] },
  mug(2),
);
const released = event(
  'StockReleased',
  {
    reservationId: 'res-1',
    orderId: 'order-1',
    items: [{ sku: 'SKU-MUG', quantity: 3 }],
    reason: 'payment declined',
  },
  mug(3),
);
const restocked = event('StockRestocked', { sku: 'SKU-MUG', quantity: 5, available: 15 }, mug(4));
// What the bus carries from the reservation stream.
const reservedOnReservation = event(
  'StockReserved',
  {
    reservationId: 'res-1',
    orderId: 'order-1',
    items: [
      { sku: 'SKU-MUG', quantity: 3 },
      { sku: 'SKU-TEA', quantity: 1 },
    ],
  },
  reservationStream,
);
const failed = event(
  'StockReservationFailed',
  {
    orderId: 'order-2',
    reason: 'OUT_OF_STOCK',
    unavailable: [{ sku: 'SKU-MUG', requested: 20, available: 2 }],
  },
  reservationStream,
);

const view = (over: object) => ({
  sku: 'SKU-MUG',
  name: 'Red mug',
  price: 1250,
  currency: 'EUR',
  available: 10,
  reserved: 0,
  createdAt: '2025-03-01T12:00:01.000Z',
  updatedAt: '2025-03-01T12:00:01.000Z',
  version: 1,
  ...over,
});

describe('projectProductView (per product stream)', () => {
  it('creates the product with its opening stock', () => {
    expect(projectProductView(undefined, added)).toEqual(view({}));
  });

  it('moves units from available to reserved and back', () => {
    expect(project(projectProductView, [added, reserved])).toEqual(
      view({ available: 7, reserved: 3, updatedAt: '2025-03-01T12:00:02.000Z', version: 2 }),
    );
    expect(project(projectProductView, [added, reserved, released])).toEqual(
      view({ available: 10, reserved: 0, updatedAt: '2025-03-01T12:00:03.000Z', version: 3 }),
    );
  });

  it('takes available from a restock', () => {
    expect(project(projectProductView, [added, reserved, restocked])).toEqual(
      view({ available: 15, reserved: 3, updatedAt: '2025-03-01T12:00:04.000Z', version: 4 }),
    );
  });

  it("ignores the reservation stream's events: the ledger copies already count, and a failure moves no stock", () => {
    expect(productViewKey(reservedOnReservation)).toBeUndefined();
    expect(productViewKey(failed)).toBeUndefined();
    const v = project(projectProductView, [added, reserved]);
    expect(projectProductView(v, reservedOnReservation)).toBe(v);
    expect(projectProductView(v, failed)).toBe(v);
  });

  it('keys events by the SKU of their product stream', () => {
    expect([added, reserved, released, restocked].map(productViewKey)).toEqual([
      'SKU-MUG',
      'SKU-MUG',
      'SKU-MUG',
      'SKU-MUG',
    ]);
    const tea = event(
      'ProductAdded',
      { sku: 'SKU-TEA', name: 'Tea', price: 899, currency: 'EUR', initialStock: 4 },
      { streamId: 'product#SKU-TEA', streamVersion: 1 },
    );
    const teaView = projectProductView(undefined, tea);
    expect(projectProductView(teaView, reserved)).toBe(teaView);
  });

  it('ignores a redelivered event', () => {
    const v = project(projectProductView, [added, reserved]);
    expect(projectProductView(v, reserved)).toBe(v);
    expect(projectProductView(v, added)).toBe(v);
  });

  it('returns undefined for stock moves of a product it has not seen (a gap); the kernel adapter refuses it', () => {
    expect(projectProductView(undefined, reserved)).toBeUndefined();
    expect(() => productViewProjection.project(undefined, reserved)).toThrow(/before ProductAdded/);
    expect(productViewProjection.project(undefined, added)).toEqual(view({}));
  });
});
