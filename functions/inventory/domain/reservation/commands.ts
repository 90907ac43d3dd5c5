import { MAX_ORDER_LINES } from '../../../kernel/domain/limits.js';
import { StockReleasedV1, StockReservedV1 } from '../../../kernel/events/catalogue/inventory.js';
import { sku, stockLine } from '../../../kernel/events/primitives.js';
import * as z from '../../../kernel/zod.js';
import { commandMetadata } from '../metadata.js';

/**
 * The most lines (SKUs) of one reservation: what its one TransactWriteItems holds (two items per SKU, see
 * kernel/domain/limits.ts); orders refuse an order with more distinct SKUs when it is placed.
 */
export const MAX_LINES = MAX_ORDER_LINES;

/**
 * What the handler found for one SKU of the order: the `available` of its product stream's fold (use
 * `stockLevelOf`). A SKU the handler did not find (no product stream) is absent from `stock`.
 */
export const stockLevel = z.strictObject({ sku, available: z.number().check(z.int(), z.gte(0)) });
export type StockLevel = z.infer<typeof stockLevel>;

export const ReserveStock = z.strictObject({
  type: z.literal('ReserveStock'),
  data: z.strictObject({
    reservationId: StockReservedV1.shape.reservationId,
    orderId: StockReservedV1.shape.orderId,
    items: z.array(z.strictObject(stockLine.shape)).check(z.minLength(1), z.maxLength(MAX_LINES)),
    stock: z.array(stockLevel).check(z.maxLength(MAX_LINES)),
  }),
  metadata: commandMetadata,
});

export const ReleaseStock = z.strictObject({
  type: z.literal('ReleaseStock'),
  data: z.strictObject({ orderId: StockReleasedV1.shape.orderId, reason: StockReleasedV1.shape.reason }),
  metadata: commandMetadata,
});

export const reservationCommandSchema = z.discriminatedUnion('type', [ReserveStock, ReleaseStock]);

export type ReservationCommand = z.infer<typeof reservationCommandSchema>;
export type ReserveStock = z.infer<typeof ReserveStock>;
export type ReleaseStock = z.infer<typeof ReleaseStock>;
