import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { orderCustomerProjection } from '../../functions/notifications/handlers/order-customers.js';
import { anEnvelope } from '../helpers/events.js';
import { userCreated as created } from '../helpers/notifications.js';

describe('notifications read model: OrderCustomer', () => {
  it('OrderCustomer keeps the customer of each order from OrderPlaced, ignoring everything else', () => {
    const placed = anEnvelope({
      type: 'OrderPlaced',
      source: 'orders',
      data: { orderId: 'o-1', customerId: 'c-1' },
    }) as DomainEvent;
    expect(orderCustomerProjection.keyOf(placed)).toBe('o-1');
    expect(orderCustomerProjection.project(undefined, placed)).toEqual({
      orderId: 'o-1',
      customerId: 'c-1',
      placedAt: placed.occurredAt,
    });
    expect(orderCustomerProjection.keyOf(created)).toBeUndefined();
  });
});
