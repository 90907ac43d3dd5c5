import type { DomainEvent } from './catalogue.js';

/** The order an event of the orders service is about (every one carries `data.orderId`), else undefined. */
export function orderIdOf(event: DomainEvent): string | undefined {
  return event.source === 'orders' ? event.data.orderId : undefined;
}
