import { describe, expect, it } from 'vitest';
import type { Fact } from '../../functions/kernel/domain/decider.js';
import { NotFoundError, ValidationError } from '../../functions/kernel/domain/errors.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type CommandMetadata,
  type NotificationChannel,
  notificationDecider,
  notificationFor,
  type OutgoingNotification,
  orderToResolve,
  parseCommand,
  sendNotification,
} from '../../functions/notifications/domain/index.js';
import { spec } from '../helpers/decider.js';

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

describe('the notification decider: once per (event, template)', () => {
  const metadata: CommandMetadata = {
    commandId: 'cmd-1',
    issuedAt: '2025-03-01T12:00:00.000Z',
    actor: { type: 'service', id: 'notifications' },
  };
  const welcome = notificationFor(userCreated)!;
  const command = sendNotification(welcome, 'evt-1', metadata);
  const sent: Fact<'NotificationSent'> = {
    type: 'NotificationSent',
    data: {
      notificationId: 'welcome:evt-1',
      recipientId: 'user-1',
      channel: 'EMAIL',
      template: 'welcome',
      subject: { type: 'user', id: 'user-1' },
    },
  };
  const other: Fact<'NotificationSent'> = {
    type: 'NotificationSent',
    data: { ...sent.data, template: 'other' },
  };

  it('records the first sending', () => spec(notificationDecider).given([]).when(command).thenEmits([sent]));
  it('emits nothing when the same template was sent for the event', () =>
    spec(notificationDecider).given([sent]).when(command).thenEmits([]));
  it('sends another template for the same event', () =>
    spec(notificationDecider).given([other]).when(command).thenEmits([sent]));
  it('emits a NotificationSent the catalogue accepts', () =>
    expect(latestEntry('NotificationSent')!.dataSchema.safeParse(sent.data).success).toBe(true));

  it('parses its command at the boundary', () => {
    expect(parseCommand(command)).toEqual(command);
    expect(() => parseCommand({ ...command, data: { ...command.data, channel: 'PIGEON' } })).toThrow(
      ValidationError,
    );
    expect(() => parseCommand({ ...command, data: { ...command.data, template: '' } })).toThrow(
      ValidationError,
    );
  });

  it('a channel implements the port (here: a log)', async () => {
    const log: OutgoingNotification[] = [];
    const channel: NotificationChannel = { name: 'log', send: async (n) => void log.push(n) };
    await channel.send({ ...welcome, notificationId: command.data.notificationId });
    expect(log).toEqual([{ ...welcome, notificationId: 'welcome:evt-1' }]);
  });
});
