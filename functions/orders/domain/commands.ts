import * as z from 'zod';
import { ValidationError } from '../../kernel/domain/errors.js';
import {
  OrderCancelledV1,
  OrderConfirmedV1,
  OrderDeliveredV1,
  OrderPlacedV2,
  OrderShippedV1,
} from '../../kernel/events/catalogue/orders.js';
import { actorSchema } from '../../kernel/events/envelope.js';
import { currency, id, isoDateTime, minorUnits, sku, stockLine } from '../../kernel/events/primitives.js';

/**
 * Orders' commands. Fields reuse the event catalogue's schemas (an order line here is what OrderPlaced
 * carries, minus the price the client never sends). Time, ids and the caller come in `metadata`, so
 * `decide` never reads a clock or a random source.
 */
export const commandMetadata = z.strictObject({
  commandId: id,
  issuedAt: isoDateTime,
  actor: actorSchema,
});
export type CommandMetadata = z.infer<typeof commandMetadata>;

/**
 * A catalogue entry as the handler found it (inventory's ProductView) for an ordered SKU. Prices come from
 * here, never from the client; a SKU the handler did not find is simply absent.
 */
export const catalogueProduct = z.strictObject({ sku, price: minorUnits, currency });
export type CatalogueProduct = z.infer<typeof catalogueProduct>;

const MAX_LINES = 100;
const MAX_QUANTITY_PER_LINE = 1000;

export const PlaceOrder = z.strictObject({
  type: z.literal('PlaceOrder'),
  data: z.strictObject({
    orderId: OrderPlacedV2.shape.orderId.describe('orderIdFor(customerId, idempotencyKey)'),
    customerId: OrderPlacedV2.shape.customerId,
    items: z
      .array(
        z.strictObject({ ...stockLine.shape, quantity: stockLine.shape.quantity.max(MAX_QUANTITY_PER_LINE) }),
      )
      .min(1)
      .max(MAX_LINES),
    shippingAddress: OrderPlacedV2.shape.shippingAddress,
    paymentToken: OrderPlacedV2.shape.paymentToken,
    idempotencyKey: id,
    products: z.array(catalogueProduct).max(MAX_LINES),
  }),
  metadata: commandMetadata,
});

export const ConfirmOrder = z.strictObject({
  type: z.literal('ConfirmOrder'),
  data: OrderConfirmedV1.strict(),
  metadata: commandMetadata,
});

export const CancelOrder = z.strictObject({
  type: z.literal('CancelOrder'),
  data: OrderCancelledV1.strict(),
  metadata: commandMetadata,
});

export const ShipOrder = z.strictObject({
  type: z.literal('ShipOrder'),
  data: OrderShippedV1.strict(),
  metadata: commandMetadata,
});

export const DeliverOrder = z.strictObject({
  type: z.literal('DeliverOrder'),
  data: OrderDeliveredV1.strict(),
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
  const result = orderCommandSchema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(
      'invalid orders command',
      { issues: result.error.issues },
      { cause: result.error },
    );
  }
  return result.data;
}
