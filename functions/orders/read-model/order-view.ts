import type { DomainEvent, EventData } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';
import type { OrderStatus } from '../domain/state.js';
import { orderIdOf } from '../events.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const ORDER_VIEW_TABLE_ENV = 'ORDER_VIEW_TABLE';

/** The index `ordersByCustomer` queries: a customer's orders by `createdAt` (ISO 8601 sorts as time does). */
export const ORDER_VIEW_BY_CUSTOMER = {
  indexName: 'byCustomer',
  partitionKey: 'customerId',
  sortKey: 'createdAt',
} as const;

/**
 * OrderView — what `order(id)` and `ordersByCustomer` read. PER STREAM: one view per order stream (stream id =
 * order id), so the projector can rebuild it from that stream alone and apply events in stream order.
 * `version` is the streamVersion of the last event the view reflects; an event at or below it is a
 * redelivery and changes nothing. A status event with no view yet (OrderPlaced not seen) returns undefined:
 * the projector treats it as a gap and rebuilds from the stream.
 */
export type OrderView = {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly items: EventData<'OrderPlaced'>['items'];
  /** Minor units of `currency`. */
  readonly total: number;
  readonly currency: string;
  readonly shippingAddress: EventData<'OrderPlaced'>['shippingAddress'];
  /** Why it was cancelled (OrderCancelled.reason); only on CANCELLED. */
  readonly failureReason?: string;
  readonly failedStep?: string;
  readonly paymentId?: string;
  readonly shipmentId?: string;
  readonly carrier?: string;
  readonly trackingNumber?: string;
  readonly deliveredAt?: string;
  /** occurredAt of OrderPlaced. */
  readonly createdAt: string;
  /** occurredAt of the last event applied. */
  readonly updatedAt: string;
  readonly version: number;
};

export function projectOrderView(view: OrderView | undefined, event: DomainEvent): OrderView | undefined {
  switch (event.type) {
    case 'OrderPlaced': {
      if (view && event.streamVersion <= view.version) return view;
      const { orderId, customerId, items, total, currency, shippingAddress } = event.data;
      return {
        id: orderId,
        customerId,
        status: 'PENDING',
        items,
        total,
        currency,
        shippingAddress,
        createdAt: event.occurredAt,
        updatedAt: event.occurredAt,
        version: event.streamVersion,
      };
    }
    case 'OrderConfirmed': {
      const { paymentId, shipmentId } = event.data;
      return advance(view, event, { status: 'CONFIRMED', paymentId, shipmentId });
    }
    case 'OrderCancelled': {
      const { reason, failedStep } = event.data;
      return advance(view, event, {
        status: 'CANCELLED',
        failureReason: reason,
        ...(failedStep === undefined ? {} : { failedStep }),
      });
    }
    case 'OrderShipped': {
      const { shipmentId, carrier, trackingNumber } = event.data;
      return advance(view, event, { status: 'SHIPPED', shipmentId, carrier, trackingNumber });
    }
    case 'OrderDelivered':
      return advance(view, event, { status: 'DELIVERED', deliveredAt: event.data.deliveredAt });
    default:
      return view;
  }
}

function advance(
  view: OrderView | undefined,
  event: DomainEvent,
  changes: Partial<OrderView> & Pick<OrderView, 'status'>,
): OrderView | undefined {
  if (!view) return undefined;
  if (event.streamVersion <= view.version) return view;
  return { ...view, ...changes, updatedAt: event.occurredAt, version: event.streamVersion };
}

/** The order an event belongs to (the view key), or undefined for other events. */
export const orderViewKey: (event: DomainEvent) => string | undefined = orderIdOf;

/** For the kernel projector: table partition key `id` (the order id). */
export const orderViewProjection: Projection<OrderView> = {
  name: 'OrderView',
  keyAttribute: 'id',
  keyOf: orderViewKey,
  project: (view, event) => {
    const next = projectOrderView(view, event);
    // The projector applies a stream in order from version 1 (catching up from the store): no view here
    // means the stream does not start with OrderPlaced.
    if (!next)
      throw new Error(`OrderView: ${event.type} ${event.streamId}@${event.streamVersion} before OrderPlaced`);
    return next;
  },
};
