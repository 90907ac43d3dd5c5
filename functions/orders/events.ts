import type { DomainEvent } from '../kernel/events/index.js';

/**
 * Reading orders' events, for orders' own read models and for the services that key their state by order
 * (notifications, reviews). Pure: domain code imports it.
 */

/** The order an event of the orders service is about (every one carries `data.orderId`), else undefined. */
export function orderIdOf(event: DomainEvent): string | undefined {
  return event.source === 'orders' ? event.data.orderId : undefined;
}
