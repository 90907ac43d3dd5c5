import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { currency, id, minorUnits, quantity, reason, sku, stockLine } from '../primitives.js';

export const ProductAddedV1 = z.object({
  sku,
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  description: z.optional(z.string().check(z.maxLength(2000))),
  price: minorUnits,
  currency,
  initialStock: z.number().check(z.int(), z.gte(0)),
});

export const StockRestockedV1 = z.object({
  sku,
  quantity,
  available: z
    .number()
    .check(z.int(), z.gte(0), z.describe('Units available for reservation after the restock')),
});

export const StockReservedV1 = z.object({
  reservationId: id,
  orderId: id,
  items: z.array(stockLine).check(z.minLength(1)),
});

export const StockReservationFailedV1 = z.object({
  orderId: id,
  reason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU']),
  unavailable: z
    .array(z.object({ sku, requested: quantity, available: z.number().check(z.int(), z.gte(0)) }))
    .check(z.describe('The lines that could not be reserved')),
});

export const StockReleasedV1 = z.object({
  reservationId: id,
  orderId: id,
  items: z.array(stockLine).check(z.minLength(1)),
  reason,
});

export const inventoryEvents = [
  defineEvent({
    type: 'ProductAdded',
    service: 'inventory',
    description: 'A product was added to the catalogue with its opening stock',
    versions: [ProductAddedV1],
  }),
  defineEvent({
    type: 'StockRestocked',
    service: 'inventory',
    description: 'Units of a product arrived in stock',
    versions: [StockRestockedV1],
  }),
  defineEvent({
    type: 'StockReserved',
    service: 'inventory',
    description: "Stock was reserved for an order's lines",
    versions: [StockReservedV1],
  }),
  defineEvent({
    type: 'StockReservationFailed',
    service: 'inventory',
    description: 'Stock could not be reserved for an order; nothing was reserved',
    versions: [StockReservationFailedV1],
  }),
  defineEvent({
    type: 'StockReleased',
    service: 'inventory',
    description: 'A reservation was released (compensation or cancellation)',
    versions: [StockReleasedV1],
  }),
] as const;
