import { describe, expect, it } from 'vitest';
import { productViewKeys, projectProductView } from '../../functions/inventory/read-model/product-view.js';
import { event, project } from './events.js';

const at = (streamVersion: number) => ({
  streamId: 'inventory',
  streamVersion,
  occurredAt: `2025-03-01T12:00:0${streamVersion}.000Z`,
});
const added = event(
  'ProductAdded',
  { sku: 'SKU-MUG', name: 'Red mug', price: 1250, currency: 'EUR', initialStock: 10 },
  at(1),
);
const reserved = event(
  'StockReserved',
  {
    reservationId: 'res-1',
    orderId: 'order-1',
    items: [
      { sku: 'SKU-MUG', quantity: 3 },
      { sku: 'SKU-TEA', quantity: 1 },
    ],
  },
  at(2),
);
const released = event(
  'StockReleased',
  {
    reservationId: 'res-1',
    orderId: 'order-1',
    items: [{ sku: 'SKU-MUG', quantity: 3 }],
    reason: 'payment declined',
  },
  at(3),
);
const restocked = event('StockRestocked', { sku: 'SKU-MUG', quantity: 5, available: 15 }, at(4));
const failed = event(
  'StockReservationFailed',
  {
    orderId: 'order-2',
    reason: 'OUT_OF_STOCK',
    unavailable: [{ sku: 'SKU-MUG', requested: 20, available: 15 }],
  },
  at(5),
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

describe('projectProductView (per stream)', () => {
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

  it('takes available from a restock and from a failed reservation', () => {
    expect(project(projectProductView, [added, reserved, restocked])).toEqual(
      view({ available: 15, reserved: 3, updatedAt: '2025-03-01T12:00:04.000Z', version: 4 }),
    );
    expect(project(projectProductView, [added, reserved, restocked, failed])).toEqual(
      view({ available: 15, reserved: 3, updatedAt: '2025-03-01T12:00:05.000Z', version: 5 }),
    );
  });

  it('ignores a redelivered event', () => {
    const v = project(projectProductView, [added, reserved]);
    expect(projectProductView(v, reserved)).toBe(v);
    expect(projectProductView(v, added)).toBe(v);
  });

  it('lists the views a multi-SKU event touches and leaves the others alone', () => {
    expect(productViewKeys(reserved)).toEqual(['SKU-MUG', 'SKU-TEA']);
    expect(productViewKeys(failed)).toEqual(['SKU-MUG']);
    const tea = event(
      'ProductAdded',
      { sku: 'SKU-TEA', name: 'Tea', price: 899, currency: 'EUR', initialStock: 4 },
      at(1),
    );
    expect(projectProductView(projectProductView(undefined, tea), released)).toEqual(
      projectProductView(undefined, tea),
    );
  });

  it('returns undefined for stock moves of a product it has not seen (a gap)', () => {
    expect(projectProductView(undefined, reserved)).toBeUndefined();
  });
});
