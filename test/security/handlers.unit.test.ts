import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { parseCommand } from '../../functions/security/domain/index.js';
import { adminAuditFor } from '../../functions/security/handlers/admin-actions.js';
import { withDefaultAuditId } from '../../functions/security/handlers/commands.js';
import { anEnvelope } from '../helpers/events.js';

const event = (overrides: Parameters<typeof anEnvelope>[0]) => anEnvelope(overrides) as DomainEvent;

describe('security adapter: which events are admin actions', () => {
  const productAdded = (actor: DomainEvent['actor']) =>
    event({
      eventId: 'evt-1',
      type: 'ProductAdded',
      source: 'inventory',
      streamId: 'product#MUG',
      actor,
      data: { sku: 'MUG', name: 'Mug', price: 100, currency: 'EUR', initialStock: 1 },
    });

  it('a product added by a person: audited with ids only, a valid RecordAudit', () => {
    const data = adminAuditFor(productAdded({ type: 'user', id: 'admin-1' }));
    expect(data).toEqual({
      auditId: 'evt-1',
      category: 'ADMIN_ACTION',
      principal: { type: 'user', id: 'admin-1' },
      action: 'inventory:AddProduct',
      resource: 'product#MUG',
      outcome: 'ALLOWED',
      details: { eventId: 'evt-1', eventType: 'ProductAdded', correlationId: 'corr-1' },
    });
    const metadata = {
      commandId: 'evt-1',
      issuedAt: '2026-01-01T00:00:00.000Z',
      actor: { type: 'service', id: 'security' },
    };
    expect(() => parseCommand({ type: 'RecordAudit', data, metadata })).not.toThrow();
  });

  it('the same event from a service is not an admin action', () => {
    expect(adminAuditFor(productAdded({ type: 'service', id: 'seed' }))).toBeUndefined();
  });

  it('a deletion with reason ADMIN_ACTION is; the system actor audits as a service principal', () => {
    const deleted = (reason?: string) =>
      event({
        type: 'UserDeleted',
        source: 'users',
        actor: { type: 'system', id: 'admin-console' },
        data: reason ? { userId: 'u-1', reason } : { userId: 'u-1' },
      });
    expect(adminAuditFor(deleted('ADMIN_ACTION'))).toMatchObject({
      principal: { type: 'service', id: 'admin-console' },
      action: 'users:DeleteUser',
      resource: 'user#u-1',
    });
    expect(adminAuditFor(deleted('REQUESTED_BY_USER'))).toBeUndefined();
    expect(adminAuditFor(deleted())).toBeUndefined();
  });
});

describe('security adapter: the default auditId', () => {
  const metadata = {
    commandId: 'cmd-7',
    issuedAt: '2026-01-01T00:00:00.000Z',
    actor: { type: 'service', id: 'api' },
  };
  it("is the command id when the caller gives none, and the caller's when given", () => {
    const base = { type: 'RecordAudit', metadata, data: { category: 'ACCESS_DENIAL' } };
    expect(withDefaultAuditId(base)).toMatchObject({ data: { auditId: 'cmd-7' } });
    const given = { ...base, data: { ...base.data, auditId: 'a-1' } };
    expect(withDefaultAuditId(given)).toBe(given);
  });
});
