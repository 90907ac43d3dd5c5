import { NotFoundError } from '../../kernel/domain/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import { orderIdOf } from '../../orders/events.js';
import type { Notification } from './notification.js';

/**
 * Which events notify whom (choreography: the notifications service subscribes to these types).
 * The order events of the catalogue carry no customerId, so for them the handler first looks the customer up
 * (the orders read model, OrderView.customerId) — `orderToResolve` says which order — and passes it in.
 */
export const notifyingEventTypes = [
  'UserCreated',
  'OrderConfirmed',
  'OrderCancelled',
  'OrderShipped',
  'OrderDelivered',
] as const satisfies readonly DomainEvent['type'][];

/** The order whose customer the handler must look up before calling notificationFor, if any. */
export function orderToResolve(event: DomainEvent): string | undefined {
  // A placed order's own event carries the customer: nothing to look up.
  return event.type === 'OrderPlaced' ? undefined : orderIdOf(event);
}

export interface RecipientContext {
  /** The customer of the event's order (OrderView.customerId), for order events. */
  readonly customerId?: string;
}

/**
 * The notification an event calls for, or undefined. Throws NotFoundError when an order event comes without
 * its customer (the read model may lag the event): the handler fails, and the bus retries it later.
 */
export function notificationFor(
  event: DomainEvent,
  context: RecipientContext = {},
): Notification | undefined {
  const customer = (orderId: string): string => {
    if (context.customerId === undefined) {
      throw new NotFoundError(`customer of order ${orderId} unknown`, { orderId });
    }
    return context.customerId;
  };
  switch (event.type) {
    case 'UserCreated':
      return {
        template: 'welcome',
        recipientId: event.data.userId,
        channel: 'EMAIL',
        subject: { type: 'user', id: event.data.userId },
        params: { name: event.data.name },
      };
    case 'OrderConfirmed': {
      const { orderId } = event.data;
      return order('order-confirmed', customer(orderId), orderId, {});
    }
    case 'OrderCancelled': {
      const { orderId, reason } = event.data;
      return order('order-cancelled', customer(orderId), orderId, { reason });
    }
    case 'OrderShipped': {
      const { orderId, carrier, trackingNumber } = event.data;
      return order('order-shipped', customer(orderId), orderId, { carrier, trackingNumber });
    }
    case 'OrderDelivered': {
      const { orderId } = event.data;
      return order('review-request', customer(orderId), orderId, {});
    }
    default:
      return undefined;
  }
}

function order(
  template: Notification['template'],
  recipientId: string,
  orderId: string,
  params: Record<string, string>,
): Notification {
  return {
    template,
    recipientId,
    channel: 'EMAIL',
    subject: { type: 'order', id: orderId },
    params: { orderId, ...params },
  };
}
