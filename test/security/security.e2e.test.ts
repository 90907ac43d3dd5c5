import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { createEvent } from '../../functions/kernel/events/metadata.js';
import { toPutEventsEntry } from '../../functions/kernel/publisher.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { AuditResult } from '../../functions/security/handlers/record-audit.js';
import { type Clients, clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import {
  eventually,
  type LocalApp,
  physicalName,
  publisherCredentials,
  startLocalApp,
} from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let store: EventStore;

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  store = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Security', 'EventStore/Table'),
  });
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const commands = (payload: unknown) => invoke(app, clients.lambda, 'Security', 'Commands', payload);
const onAdminAction = (payload: unknown) => invoke(app, clients.lambda, 'Security', 'OnAdminAction', payload);
const auditOf = async (streamId: string) => (await store.load(streamId)).events as DomainEvent[];
const onBus = (eventId: string) =>
  eventually(() =>
    app.plugins.eventBridge.service!.bridge.events.find(
      (e) => (e.event.detail as { eventId?: string }).eventId === eventId,
    ),
  );

const denial = (data: Record<string, unknown> = {}) => ({
  command: {
    type: 'RecordAudit',
    data: {
      category: 'ACCESS_DENIAL',
      principal: { type: 'user', id: 'user-7' },
      action: 'orders:CancelOrder',
      resource: 'order#ord-9',
      outcome: 'DENIED',
      details: { reason: 'NOT_OWNER' },
      ...data,
    },
  },
  actor: { type: 'service', id: 'graphql-api' },
});

describe('security on the local cloud', () => {
  it('records an access denial: SecurityAuditRecorded on the principal stream and on the bus; a retry records nothing more', async () => {
    const { events, result } = succeeded<AuditResult>(
      await commands({ ...denial(), commandId: 'cmd-deny-1' }),
    );
    expect(result).toEqual({
      auditId: 'cmd-deny-1', // no auditId given: the command id names the record
      streamId: 'audit#user#user-7',
      version: 1,
      recorded: true,
    });
    const [stored] = await auditOf('audit#user#user-7');
    expect(stored).toMatchObject({
      eventId: events[0]!.eventId,
      type: 'SecurityAuditRecorded',
      actor: { type: 'service', id: 'graphql-api' },
      data: {
        auditId: 'cmd-deny-1',
        principal: { type: 'user', id: 'user-7' },
        outcome: 'DENIED',
        details: { reason: 'NOT_OWNER', category: 'ACCESS_DENIAL' },
      },
    });
    const published = await onBus(stored!.eventId);
    expect(published.event.source).toBe('commerceforge.security');
    expect(published.event.detail).toEqual(JSON.parse(JSON.stringify(stored)));

    const retried = succeeded<AuditResult>(await commands({ ...denial(), commandId: 'cmd-deny-1' }));
    expect(retried).toEqual({ events: [], result: { ...result, recorded: false } });
    expect(await auditOf('audit#user#user-7')).toHaveLength(1);
  });

  it('refuses personal data (ValidationError) and a "denial" that was allowed (BusinessRuleError), writing nothing', async () => {
    const email = await commands(
      denial({ principal: { type: 'user', id: 'user-8' }, details: { who: 'eve@example.com' } }),
    );
    expect(email).toMatchObject({ ok: false, errorType: 'ValidationError' });
    const ip = await commands(
      denial({ principal: { type: 'user', id: 'user-8' }, resource: 'login from 10.0.0.1' }),
    );
    expect(ip).toMatchObject({ ok: false, errorType: 'ValidationError' });
    const allowed = await commands(denial({ principal: { type: 'user', id: 'user-8' }, outcome: 'ALLOWED' }));
    expect(allowed).toMatchObject({ ok: false, errorType: 'BusinessRuleError' });
    expect(await auditOf('audit#user#user-8')).toEqual([]);
  });

  it('audits an admin action seen on the bus: a product added by a person (choreography)', async () => {
    const added = createEvent(
      {
        type: 'ProductAdded',
        data: { sku: 'AUDIT-MUG', name: 'Audit mug', price: 1500, currency: 'EUR', initialStock: 4 },
        streamId: 'product#AUDIT-MUG',
        streamVersion: 1,
      },
      {
        eventId: 'evt-admin-added-1',
        occurredAt: '2026-01-02T09:00:00.000Z',
        correlationId: 'corr-admin-1',
        causationId: 'cmd-admin-1',
        traceparent: '00-6741c0de00000000000000000000beef-00000000000000aa-01',
        actor: { type: 'user', id: 'admin-7' },
      },
    ) as DomainEvent;
    // As inventory's publisher: the bus refuses commerceforge.inventory from anyone else.
    const bus = new EventBridgeClient({
      endpoint: app.url,
      region: 'us-east-1',
      credentials: publisherCredentials(app, 'inventory'),
    });
    const busName = physicalName(app, 'Platform', 'DomainEvents/Bus');
    await bus.send(new PutEventsCommand({ Entries: [toPutEventsEntry(added, busName)] }));

    const [audit] = await eventually(async () => {
      const events = await auditOf('audit#user#admin-7');
      return events.length > 0 ? events : undefined;
    });
    expect(audit).toMatchObject({
      type: 'SecurityAuditRecorded',
      correlationId: 'corr-admin-1',
      causationId: 'evt-admin-added-1',
      data: {
        auditId: 'evt-admin-added-1',
        principal: { type: 'user', id: 'admin-7' },
        action: 'inventory:AddProduct',
        resource: 'product#AUDIT-MUG',
        outcome: 'ALLOWED',
        details: { category: 'ADMIN_ACTION', eventId: 'evt-admin-added-1', eventType: 'ProductAdded' },
      },
    });

    // The same event delivered again (another EventBridge id): one record.
    const redelivery = {
      version: '0',
      id: 'eb-redelivery',
      'detail-type': 'ProductAdded',
      source: 'commerceforge.inventory',
      account: '000000000000',
      time: '2026-01-02T09:05:00Z',
      region: 'us-east-1',
      resources: [],
      detail: added,
    };
    expect(await onAdminAction(redelivery)).toMatchObject({ ok: true });
    expect(await auditOf('audit#user#admin-7')).toHaveLength(1);

    // A product added by a service (the seed, a sync job) is not an admin action.
    const seeded = {
      ...redelivery,
      detail: { ...added, eventId: 'evt-seeded', actor: { type: 'service', id: 'seed' } },
    };
    expect(await onAdminAction(seeded)).toMatchObject({ ok: true, payload: { skipped: expect.any(String) } });
    expect(await auditOf('audit#service#seed')).toEqual([]);
  });
});
