import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Actor } from '../../kernel/events/envelope.js';
import type { Principal, RecordAudit } from '../domain/index.js';

/**
 * Which events on the bus are admin actions, and what the audit records of them. The envelope has no
 * "admin" actor type, so the rule is what only an administrator can cause:
 * - ProductAdded / StockRestocked by a person (actor type `user`): catalogue and stock are managed from the
 *   back office only; the same events from a service (the local seed, a sync job) are not admin actions;
 * - UserDeleted with reason ADMIN_ACTION: an account closed by an administrator (the users domain lets only
 *   services and the system, i.e. the back office acting for one, delete another's account).
 * Ids only: the principal is the actor's id, the resource an id, the details the event's ids.
 */
export const adminActionSubscriptions = [
  {
    id: 'AdminCatalogueActions',
    pattern: {
      source: ['commerceforge.inventory'],
      detailType: ['ProductAdded', 'StockRestocked'],
      detail: { actor: { type: ['user'] } },
    },
  },
  {
    id: 'AdminUserDeletions',
    pattern: {
      source: ['commerceforge.users'],
      detailType: ['UserDeleted'],
      detail: { data: { reason: ['ADMIN_ACTION'] } },
    },
  },
] as const;

export function adminAuditFor(event: DomainEvent): RecordAudit['data'] | undefined {
  const base = (action: string, resource: string): RecordAudit['data'] => ({
    // The event id names the record: a redelivered event is the same record (the decider drops it).
    auditId: event.eventId,
    category: 'ADMIN_ACTION',
    principal: principalOf(event.actor),
    action,
    resource,
    outcome: 'ALLOWED',
    details: { eventId: event.eventId, eventType: event.type, correlationId: event.correlationId },
  });
  switch (event.type) {
    case 'ProductAdded':
      return event.actor.type === 'user'
        ? base('inventory:AddProduct', `product#${event.data.sku}`)
        : undefined;
    case 'StockRestocked':
      return event.actor.type === 'user' ? base('inventory:Restock', `product#${event.data.sku}`) : undefined;
    case 'UserDeleted':
      return event.data.reason === 'ADMIN_ACTION'
        ? base('users:DeleteUser', `user#${event.data.userId}`)
        : undefined;
    default:
      return undefined;
  }
}

/** Audit principals are people, services or anonymous callers; the system (back office, jobs) is a service. */
function principalOf(actor: Actor): Principal {
  return { type: actor.type === 'user' ? 'user' : 'service', id: actor.id };
}
