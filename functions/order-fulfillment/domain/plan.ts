import * as z from 'zod';
import { ValidationError } from '../../kernel/domain/errors.js';
import { OrderPlacedV2 } from '../../kernel/events/catalogue/orders.js';
import type { stockLine } from '../../kernel/events/primitives.js';

/**
 * The first step of the order fulfillment saga: what the other steps need from the order as placed, worked
 * out once. Pure (no clock, no random source, no AWS): the same order always gets the same plan, so a retried
 * step and a redelivered OrderPlaced name the same payment, shipment and refund, and every service's own
 * idempotency (one payment per order, one shipment per id) absorbs the repeat.
 *
 * Why a step of its own: inventory and shipping take unpriced stock lines (`{ sku, quantity }`, strict), and
 * JSONPath cannot reshape an array of objects; and the saga needs a step before ReserveStock whose
 * compensation cancels the order, so that every failure, ReserveStock's included, ends in CancelOrder.
 */

/** The order as OrderPlaced (v2) carries it: the saga's `$.input`. */
export const placedOrderSchema = OrderPlacedV2;
export type PlacedOrder = z.infer<typeof placedOrderSchema>;

export interface FulfillmentPlan {
  readonly orderId: string;
  readonly customerId: string;
  /** The payment the saga charges (payments keeps one per order; the id names it in PaymentCharged). */
  readonly paymentId: string;
  /** The shipment the saga creates (shipping's stream id). */
  readonly shipmentId: string;
  /** The refund a compensation issues, should it come to that. */
  readonly refundId: string;
  /** One unpriced line per SKU: what stock is reserved for and what is shipped. */
  readonly lines: readonly z.infer<typeof stockLine>[];
  readonly amount: number;
  readonly currency: string;
}

export const paymentIdFor = (orderId: string) => `pay-${orderId}`;
export const shipmentIdFor = (orderId: string) => `shp-${orderId}`;
export const refundIdFor = (orderId: string) => `ref-${orderId}`;

export function planFulfillment(order: PlacedOrder): FulfillmentPlan {
  const quantities = new Map<string, number>();
  for (const { sku, quantity } of order.items) quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    paymentId: paymentIdFor(order.orderId),
    shipmentId: shipmentIdFor(order.orderId),
    refundId: refundIdFor(order.orderId),
    lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })),
    amount: order.total,
    currency: order.currency,
  };
}

/** The step's boundary: `{ order }` with the order as placed, or a ValidationError (no step after it runs). */
export const planRequestSchema = z.looseObject({ order: placedOrderSchema });

export function parsePlanRequest(input: unknown): PlacedOrder {
  const result = planRequestSchema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(
      'a fulfillment plan needs { order } as OrderPlaced carries it',
      { issues: result.error.issues },
      { cause: result.error },
    );
  }
  return result.data.order;
}
