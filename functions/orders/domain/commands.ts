import { type CommandMetadata, commandMetadata, parseWith } from '../../kernel/domain/commands.js';
import { MAX_ORDER_INPUT_LINES, money, orderLines } from '../../kernel/domain/limits.js';
import { text } from '../../kernel/domain/text.js';
import {
  OrderCancelledV1,
  OrderConfirmedV1,
  OrderDeliveredV1,
  OrderPlacedV2,
  OrderShippedV1,
} from '../../kernel/events/catalogue/orders.js';
import { address, currency, id, sku } from '../../kernel/events/primitives.js';
import * as z from '../../kernel/zod.js';

export { type CommandMetadata, commandMetadata };

/**
 * A catalogue entry as the handler found it (inventory's ProductView) for an ordered SKU. Prices come from
 * here, never from the client; a SKU the handler did not find is simply absent.
 */
export const catalogueProduct = z.strictObject({ sku, price: money, currency });
export type CatalogueProduct = z.infer<typeof catalogueProduct>;

/** A shipping address as a client sends it: free text normalized and refused with control characters. */
export const addressInput = z.strictObject({
  line1: text(address.shape.line1),
  city: text(address.shape.city),
  postalCode: text(address.shape.postalCode),
  country: address.shape.country,
});

export const PlaceOrder = z.strictObject({
  type: z.literal('PlaceOrder'),
  data: z.strictObject({
    orderId: OrderPlacedV2.shape.orderId.check(z.describe('orderIdFor(customerId, idempotencyKey)')),
    customerId: OrderPlacedV2.shape.customerId,
    // Merged by SKU, then limited (distinct SKUs, units per SKU): see kernel/domain/limits.ts.
    items: orderLines,
    shippingAddress: addressInput,
    paymentToken: text(OrderPlacedV2.shape.paymentToken),
    idempotencyKey: id,
    products: z.array(catalogueProduct).check(z.maxLength(MAX_ORDER_INPUT_LINES)),
  }),
  metadata: commandMetadata,
});

export const ConfirmOrder = z.strictObject({
  type: z.literal('ConfirmOrder'),
  data: z.strictObject(OrderConfirmedV1.shape),
  metadata: commandMetadata,
});

export const CancelOrder = z.strictObject({
  type: z.literal('CancelOrder'),
  data: z.strictObject(OrderCancelledV1.shape),
  metadata: commandMetadata,
});

export const ShipOrder = z.strictObject({
  type: z.literal('ShipOrder'),
  data: z.strictObject(OrderShippedV1.shape),
  metadata: commandMetadata,
});

export const DeliverOrder = z.strictObject({
  type: z.literal('DeliverOrder'),
  data: z.strictObject(OrderDeliveredV1.shape),
  metadata: commandMetadata,
});

export const orderCommandSchema = z.discriminatedUnion('type', [
  PlaceOrder,
  ConfirmOrder,
  CancelOrder,
  ShipOrder,
  DeliverOrder,
]);

export type OrderCommand = z.infer<typeof orderCommandSchema>;
export type PlaceOrder = z.infer<typeof PlaceOrder>;
export type ConfirmOrder = z.infer<typeof ConfirmOrder>;
export type CancelOrder = z.infer<typeof CancelOrder>;
export type ShipOrder = z.infer<typeof ShipOrder>;
export type DeliverOrder = z.infer<typeof DeliverOrder>;

/** The boundary: anything that is not a well-formed orders command is a ValidationError with zod's issues. */
export function parseCommand(input: unknown): OrderCommand {
  return parseWith(orderCommandSchema, input, 'orders');
}
