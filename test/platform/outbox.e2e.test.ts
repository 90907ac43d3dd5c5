import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../functions/kernel/events/metadata.js';
import { createEventStore, documentClient } from '../../functions/kernel/store/dynamodb.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
beforeAll(async () => {
  app = await startLocalApp();
});
afterAll(async () => {
  await app?.stop();
});

describe('the app on the local cloud', () => {
  it('runs every service stack: an event store and a relay per event-sourced service', () => {
    const health = app.health() as { dynamodb: { tables: string[] }; lambda: { functions: string[] } };
    for (const service of ['Users', 'Inventory', 'Orders', 'Payments', 'Shipping', 'Reviews', 'Security']) {
      expect(
        health.dynamodb.tables.some((t) => t.startsWith(`CommerceForge-dev-${service}-EventStore`)),
      ).toBe(true);
    }
    expect(
      health.lambda.functions.filter((f) => f.includes('EventStoreRelay')).length,
    ).toBeGreaterThanOrEqual(7);
  });

  it('relays an event appended to a store to the bus, correlation and causation ids intact (the outbox)', async () => {
    const tableName = physicalName(app, 'Inventory', 'EventStore/Table');
    const client = documentClient(
      new DynamoDBClient({
        endpoint: app.url,
        region: app.region,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    const store = createEventStore({ client, tableName });
    const added = createEvent(
      {
        type: 'ProductAdded',
        data: { sku: 'OUTBOX-1', name: 'Outbox mug', price: 1250, currency: 'EUR', initialStock: 3 },
        streamId: 'product#OUTBOX-1',
        streamVersion: 1,
      },
      {
        eventId: 'evt-outbox-1',
        occurredAt: '2026-11-23T12:00:00.000Z',
        correlationId: 'corr-outbox',
        causationId: 'cmd-outbox',
        traceparent: '00-6741c0de00000000000000000000abcd-00000000000000aa-01',
        actor: { type: 'user', id: 'admin-1' },
      },
    );
    await store.append('product#OUTBOX-1', 0, [added]);

    const onBus = await eventually(() =>
      app.plugins.eventBridge.service!.bridge.events.find(
        (e) => (e.event.detail as { eventId?: string }).eventId === 'evt-outbox-1',
      ),
    );
    expect(onBus.event.source).toBe('commerceforge.inventory');
    expect(onBus.event['detail-type']).toBe('ProductAdded');
    expect(onBus.event.detail).toEqual(JSON.parse(JSON.stringify(added)));
  });
});
