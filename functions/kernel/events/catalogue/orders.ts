import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { address, currency, id, isoDateTime, minorUnits, orderLine, reason } from '../primitives.js';

/**
 * OrderPlaced v1 predates multi-currency: every amount was US cents and the event had no `currency`.
 * v2 makes the currency explicit; the v1 → v2 upcaster fills in USD, which is what v1 amounts meant.
 * v3 drops the payment token: an event is kept for ever (store, archive, every consumer's logs) and the token
 * is a secret the charge needs once. PlaceOrder leaves it in payments' token vault (functions/payments/
 * token-vault.ts), where it expires within the hour and the charge deletes it. The v2 → v3 upcaster drops it.
 */
export const OrderPlacedV1 = z.object({
  orderId: id,
  customerId: id,
  items: z.array(orderLine).check(z.minLength(1)),
  total: minorUnits.check(z.describe('Sum of quantity * unitPrice, in minor units')),
  shippingAddress: address,
  paymentToken: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(200),
      z.describe('Opaque token from the payment provider (tok_...), never card data'),
    ),
});

export const OrderPlacedV2 = z.extend(OrderPlacedV1, { currency });

export const OrderPlacedV3 = z.omit(OrderPlacedV2, { paymentToken: true });

export const OrderConfirmedV1 = z.object({
  orderId: id,
  paymentId: id,
  shipmentId: id,
});

export const OrderCancelledV1 = z.object({
  orderId: id,
  reason: reason.check(z.describe('Shown to the customer as the order failureReason')),
  failedStep: z
    .optional(z.string().check(z.minLength(1), z.maxLength(100)))
    .check(z.describe('Saga step that failed, when a saga cancelled it')),
});

export const OrderShippedV1 = z.object({
  orderId: id,
  shipmentId: id,
  carrier: z.string().check(z.minLength(1), z.maxLength(100)),
  trackingNumber: z.string().check(z.minLength(1), z.maxLength(100)),
});

export const OrderDeliveredV1 = z.object({ orderId: id, shipmentId: id, deliveredAt: isoDateTime });

export const ordersEvents = [
  defineEvent({
    type: 'OrderPlaced',
    service: 'orders',
    description: 'A customer placed an order; starts the fulfillment saga',
    versions: [OrderPlacedV1, OrderPlacedV2, OrderPlacedV3],
    upcasters: [(v1) => ({ ...v1, currency: 'USD' }), ({ paymentToken: _secret, ...v2 }) => v2],
  }),
  defineEvent({
    type: 'OrderConfirmed',
    service: 'orders',
    description: 'Stock reserved, payment charged and shipment created: the order is confirmed',
    versions: [OrderConfirmedV1],
  }),
  defineEvent({
    type: 'OrderCancelled',
    service: 'orders',
    description: 'The order was cancelled, with the reason',
    versions: [OrderCancelledV1],
  }),
  defineEvent({
    type: 'OrderShipped',
    service: 'orders',
    description: 'The order left the warehouse',
    versions: [OrderShippedV1],
  }),
  defineEvent({
    type: 'OrderDelivered',
    service: 'orders',
    description: 'The order reached the customer',
    versions: [OrderDeliveredV1],
  }),
] as const;
