import { describe, expect, it } from 'vitest';
import {
  type ProductCommand,
  type ProductFact,
  productDecider,
  productStreamId,
} from '../../functions/inventory/domain/index.js';
import { fold } from '../../functions/kernel/domain/decider.js';
import { BusinessRuleError, NotFoundError } from '../../functions/kernel/domain/errors.js';
import { spec } from '../helpers/decider.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'user', id: 'admin-1' },
} as const;

const added: ProductFact = {
  type: 'ProductAdded',
  data: { sku: 'SKU-RED-MUG', name: 'Red mug', price: 1250, currency: 'EUR', initialStock: 10 },
};
const addProduct: ProductCommand = { type: 'AddProduct', data: added.data, metadata };
const restock = (quantity: number): ProductCommand => ({
  type: 'Restock',
  data: { sku: 'SKU-RED-MUG', quantity },
  metadata,
});
const reserved = (quantity: number, orderId = 'order-1'): ProductFact => ({
  type: 'StockReserved',
  data: { reservationId: `res-${orderId}`, orderId, items: [{ sku: 'SKU-RED-MUG', quantity }] },
});
const released = (quantity: number, orderId = 'order-1'): ProductFact => ({
  type: 'StockReleased',
  data: {
    reservationId: `res-${orderId}`,
    orderId,
    items: [{ sku: 'SKU-RED-MUG', quantity }],
    reason: 'payment declined',
  },
});

const given = (facts: ProductFact[]) => spec(productDecider).given(facts);

describe('product decider', () => {
  describe('AddProduct', () => {
    it('adds the product with its opening stock', () => {
      given([]).when(addProduct).thenEmits([added]);
    });

    it('keeps the optional description', () => {
      const data = { ...added.data, description: 'Holds tea' };
      given([])
        .when({ ...addProduct, data })
        .thenEmits([{ type: 'ProductAdded', data }]);
    });

    it('refuses an existing SKU', () => {
      given([added]).when(addProduct).thenThrows(BusinessRuleError, 'sku-is-unique');
    });
  });

  describe('Restock', () => {
    it('adds units to what is available', () => {
      given([added])
        .when(restock(5))
        .thenEmits([{ type: 'StockRestocked', data: { sku: 'SKU-RED-MUG', quantity: 5, available: 15 } }]);
    });

    it('counts from what reservations left available', () => {
      given([added, reserved(8), reserved(1, 'order-2'), released(1, 'order-2')])
        .when(restock(3))
        .thenEmits([{ type: 'StockRestocked', data: { sku: 'SKU-RED-MUG', quantity: 3, available: 5 } }]);
    });

    it('refuses an unknown SKU', () => {
      given([]).when(restock(5)).thenThrows(NotFoundError, 'NOT_FOUND');
    });
  });

  describe('evolve', () => {
    it('moves reserved units out of available and released ones back', () => {
      expect(fold(productDecider, [added, reserved(4)])).toEqual({
        status: 'LISTED',
        sku: 'SKU-RED-MUG',
        name: 'Red mug',
        price: 1250,
        currency: 'EUR',
        available: 6,
        reserved: 4,
      });
      expect(fold(productDecider, [added, reserved(4), released(4)])).toMatchObject({
        available: 10,
        reserved: 0,
      });
    });

    it("ignores lines of other SKUs in a reservation's items", () => {
      const other: ProductFact = {
        type: 'StockReserved',
        data: { reservationId: 'r', orderId: 'o', items: [{ sku: 'SKU-TEA', quantity: 3 }] },
      };
      expect(fold(productDecider, [added, other])).toMatchObject({ available: 10, reserved: 0 });
    });

    it('takes the available count a restock recorded', () => {
      const restocked: ProductFact = {
        type: 'StockRestocked',
        data: { sku: 'SKU-RED-MUG', quantity: 2, available: 12 },
      };
      expect(fold(productDecider, [added, restocked])).toMatchObject({ available: 12, reserved: 0 });
    });
  });

  it('names the stream after the SKU', () => {
    expect(productStreamId('SKU-RED-MUG')).toBe('product#SKU-RED-MUG');
  });
});
