import { parseWith } from '../../kernel/domain/commands.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { OrderPlacedV3 } from '../../kernel/events/catalogue/orders.js';
import type { stockLine } from '../../kernel/events/primitives.js';
import * as z from '../../kernel/zod.js';

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

/** The order as OrderPlaced (v3, no payment token) carries it: the saga's `$.input`. */
export const placedOrderSchema = OrderPlacedV3;
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
  /** Where the shipment goes. */
  readonly shippingAddress: PlacedOrder['shippingAddress'];
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
    shippingAddress: order.shippingAddress,
  };
}

/**
 * The saga was started for an order the orders store does not hold (an OrderPlaced that the orders service
 * never stored: forged, or for a made-up id). The saga ends there, with nothing to undo: no stock, no charge,
 * no shipment.
 */
export class UnknownOrderError extends DomainError {
  override readonly name = 'UnknownOrderError';
  readonly code = 'UNKNOWN_ORDER';
}

/** What the plan reads of an order stream: its first event, as the orders store holds it. */
export interface StoredEvent {
  readonly type: string;
  readonly eventId: string;
  readonly data: unknown;
}

/**
 * The order as the orders service stored it: the OrderPlaced its stream starts with. Money and goods move on
 * this, never on the event that started the saga (whoever published that, the store is the order's truth).
 */
export function placedOrderInStore(orderId: string, stream: readonly StoredEvent[]): PlacedOrder {
  const first = stream[0];
  if (first?.type !== 'OrderPlaced') {
    throw new UnknownOrderError(`the orders store holds no order ${orderId}`, { orderId });
  }
  const order = placedOrderSchema.safeParse(first.data);
  if (!order.success || order.data.orderId !== orderId) {
    throw new UnknownOrderError(`the stream ${orderId} does not start with its own OrderPlaced`, {
      orderId,
      eventId: first.eventId,
    });
  }
  return order.data;
}

/**
 * The step's boundary: `{ orderId }`, the order the saga was started for (the rest of the triggering event is
 * not read: the order comes from its store), or a ValidationError (no step after it runs).
 */
export const planRequestSchema = z.looseObject({ orderId: placedOrderSchema.shape.orderId });
export type PlanRequest = z.infer<typeof planRequestSchema>;

export function parsePlanRequest(input: unknown): PlanRequest {
  return parseWith(planRequestSchema, input, {
    message: 'a fulfillment plan needs { orderId } of the order to fulfil',
  });
}
