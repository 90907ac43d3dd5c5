import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { anEnvelope } from './events.js';

/** A UserCreated as users publish it: what notifications' adapter tests notify (a welcome) or ignore. */
export const userCreated = anEnvelope({
  eventId: 'evt-user-1',
  type: 'UserCreated',
  source: 'users',
  data: { userId: 'u-1', email: 'u@example.com', name: 'U' },
}) as DomainEvent;
