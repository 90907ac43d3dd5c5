import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../functions/kernel/domain/errors.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { notificationFor, orderToResolve } from '../../functions/notifications/domain/index.js';

const envelope = {
  eventId: 'evt-1',
  streamId: 'stream-1',
  streamVersion: 2,
  occurredAt: '2025-03-01T12:00:00.000Z',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  traceparent: '00-67c2f5c0aaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01',
  actor: { type: 'service', id: 'saga' },
} as const;
const ev = <E extends DomainEvent>(e: Pick<E, 'type' | 'source' | 'version' | 'data'>): DomainEvent =>
  ({ ...envelope, ...e }) as DomainEvent;

const userCreated = ev({
  type: 'UserCreated',
  source: 'users',
  version: 1,
  data: { userId: 'user-1', email: 'ada@example.com', name: 'Ada' },
});
const orderConfirmed = ev({
  type: 'OrderConfirmed',
  source: 'orders',
  version: 1,
  data: { orderId: 'order-1', paymentId: 'pay-1', shipmentId: 'ship-1' },
});
const orderCancelled = ev({
  type: 'OrderCancelled',
  source: 'orders',
  version: 1,
  data: { orderId: 'order-1', reason: 'payment declined' },
});
const orderShipped = ev({
  type: 'OrderShipped',
  source: 'orders',
  version: 1,
  data: { orderId: 'order-1', shipmentId: 'ship-1', carrier: 'SimPost', trackingNumber: 'TRK-1' },
});
const orderDelivered = ev({
  type: 'OrderDelivered',
  source: 'orders',
  version: 1,
  data: { orderId: 'order-1', shipmentId: 'ship-1', deliveredAt: '2025-03-03T09:30:00.000Z' },
});
const paymentCharged = ev({
  type: 'PaymentCharged',
  source: 'payments',
  version: 1,
  data: {
    paymentId: 'p',
    orderId: 'order-1',
    amount: 1,
    currency: 'EUR',
    customerId: 'c',
    providerReference: 'r',
  },
});

const order = { type: 'order', id: 'order-1' } as const;

describe('notificationFor', () => {
  it('welcomes a new user', () => {
    expect(notificationFor(userCreated)).toEqual({
      template: 'welcome',
      recipientId: 'user-1',
      channel: 'EMAIL',
      subject: { type: 'user', id: 'user-1' },
      params: { name: 'Ada' },
    });
  });

  it.each([
    [orderConfirmed, 'order-confirmed', { orderId: 'order-1' }],
    [orderCancelled, 'order-cancelled', { orderId: 'order-1', reason: 'payment declined' }],
    [orderShipped, 'order-shipped', { orderId: 'order-1', carrier: 'SimPost', trackingNumber: 'TRK-1' }],
    [orderDelivered, 'review-request', { orderId: 'order-1' }],
  ])('%# tells the customer (template %s)', (event, template, params) => {
    expect(orderToResolve(event)).toBe('order-1');
    expect(notificationFor(event, { customerId: 'cust-1' })).toEqual({
      template,
      recipientId: 'cust-1',
      channel: 'EMAIL',
      subject: order,
      params,
    });
  });

  it('refuses an order event whose customer the handler could not find (retried later)', () => {
    expect(() => notificationFor(orderConfirmed)).toThrow(NotFoundError);
  });

  it('returns nothing for events that notify nobody', () => {
    expect(notificationFor(paymentCharged)).toBeUndefined();
    expect(orderToResolve(userCreated)).toBeUndefined();
  });
});
