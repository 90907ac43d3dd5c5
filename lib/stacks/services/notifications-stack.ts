import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import { detailTypes } from '../../../functions/kernel/events/catalogue.js';
import { NOTIFICATION_CHANNEL_ENV } from '../../../functions/notifications/channel/index.js';
import { ORDER_CUSTOMER_TABLE_ENV } from '../../../functions/notifications/handlers/order-customers.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const handlerEntry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/notifications/handlers/${file}`, import.meta.url));

/**
 * The notifications bounded context (choreography): `OnNotifyingEvent` sends what the domain's policy says
 * for users' and orders' events and records NotificationSent; `Projector` keeps OrderCustomer (whose order is
 * it) from OrderPlaced, so order notifications find their recipient without reading the orders tables.
 */
export class NotificationsStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'notifications' }, props);

    const orderCustomers = this.addReadModel('OrderCustomer', {
      partitionKey: 'orderId',
      environmentVariable: ORDER_CUSTOMER_TABLE_ENV,
    });
    const { fn: projector, queue } = this.addProjector('Projector', {
      entry: handlerEntry('projector.ts'),
      description: 'notifications: OrderCustomer read model from OrderPlaced',
    });
    this.grantReadModel(orderCustomers, projector, 'write');
    this.project('OrderCustomerProjection', queue, {
      source: ['commerceforge.orders'],
      detailType: detailTypes('OrderPlaced'),
    });

    const onEvent = this.addFunction('OnNotifyingEvent', {
      entry: handlerEntry('on-notifying-event.ts'),
      description: 'notifications: welcome, order and review-request notifications, once per event',
      // log: a structured log line per notification (see functions/notifications/channel for sns).
      environment: { [NOTIFICATION_CHANNEL_ENV]: 'log' },
    });
    this.store.grantAppend(onEvent);
    this.idempotency.grant(onEvent);
    this.grantReadModel(orderCustomers, onEvent, 'read');
    this.subscribe('WelcomeNotifications', onEvent, {
      source: ['commerceforge.users'],
      detailType: detailTypes('UserCreated'),
    });
    this.subscribe('OrderNotifications', onEvent, {
      source: ['commerceforge.orders'],
      detailType: detailTypes('OrderConfirmed', 'OrderCancelled', 'OrderShipped', 'OrderDelivered'),
    });
  }
}
