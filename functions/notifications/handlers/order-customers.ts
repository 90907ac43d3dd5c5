import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';

/**
 * OrderCustomer — the notifications service's own copy of "whose order is this", from OrderPlaced (the
 * other order events carry no customerId, and no service reads another's tables). Key `orderId`. Ids only.
 * Fed by another service's events, so it is rebuilt from the orders store (or an archive replay), not from
 * the notifications store.
 */
export interface OrderCustomer {
  readonly orderId: string;
  readonly customerId: string;
  readonly placedAt: string;
  /** Index signature: a read-model view is a plain record. */
  readonly [field: string]: unknown;
}

export const orderCustomerProjection: Projection<OrderCustomer> = {
  name: 'OrderCustomer',
  keyAttribute: 'orderId',
  keyOf: (event: DomainEvent) => (event.type === 'OrderPlaced' ? event.data.orderId : undefined),
  project: (view, event) => {
    if (event.type !== 'OrderPlaced') return view!;
    // OrderPlaced opens its stream: the first one is the order's customer for good.
    return (
      view ?? { orderId: event.data.orderId, customerId: event.data.customerId, placedAt: event.occurredAt }
    );
  },
};

/** Environment variable of the OrderCustomer table (NotificationsStack grants it). */
export const ORDER_CUSTOMER_TABLE_ENV = 'ORDER_CUSTOMER_TABLE';
