import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';
import { orderIdOf } from '../../orders/events.js';
import type { OrderFacts } from '../domain/commands.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const REVIEWABLE_ORDERS_TABLE_ENV = 'REVIEWABLE_ORDERS_TABLE';

/**
 * ReviewableOrders — reviews' own copy of what it needs of an order (CQRS across bounded contexts: reviews
 * never reads orders' tables): its customer, its SKUs, whether it was delivered. PER STREAM: one view per
 * order stream. Every order event maps to the view (keyOf), even those that change nothing here
 * (confirmed, shipped, cancelled): the projector applies another service's stream version by version and
 * parks what comes after a gap, so OrderDelivered (version 4) needs versions 2 and 3 to have been seen.
 *
 * With the handlers, not in read-model/: fed by orders' events, which reviews' store does not hold, so
 * `rebuild-projections reviews` must not find it (see orders' PriceList).
 */
export type ReviewableOrder = {
  readonly orderId: string;
  readonly customerId: string;
  readonly skus: readonly string[];
  readonly delivered: boolean;
  readonly cancelled: boolean;
  readonly updatedAt: string;
};

export const reviewableOrderKey: (event: DomainEvent) => string | undefined = orderIdOf;

export const reviewableOrdersProjection: Projection<ReviewableOrder> = {
  name: 'ReviewableOrders',
  keyAttribute: 'orderId',
  keyOf: reviewableOrderKey,
  project: (view, event) => {
    if (event.type === 'OrderPlaced') {
      const { orderId, customerId, items } = event.data;
      return {
        orderId,
        customerId,
        skus: [...new Set(items.map((line) => line.sku))],
        delivered: false,
        cancelled: false,
        updatedAt: event.occurredAt,
      };
    }
    if (!view) {
      throw new Error(
        `ReviewableOrders: ${event.type} ${event.streamId}@${event.streamVersion} before OrderPlaced`,
      );
    }
    switch (event.type) {
      case 'OrderDelivered':
        return { ...view, delivered: true, updatedAt: event.occurredAt };
      case 'OrderCancelled':
        return { ...view, cancelled: true, updatedAt: event.occurredAt };
      default:
        return view;
    }
  },
};

/** The facts SubmitReview's decider rules on, or null when reviews has not seen the order. */
export async function lookUpOrderFacts(
  client: DynamoDBDocumentClient,
  tableName: string,
  orderId: string,
): Promise<OrderFacts | null> {
  const out = await client.send(
    new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }),
  );
  const item = out.Item as Partial<ReviewableOrder> | undefined;
  if (!item?.customerId) return null;
  return { customerId: item.customerId, delivered: item.delivered === true, skus: [...(item.skus ?? [])] };
}
