import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, EventType } from '../../functions/kernel/events/catalogue.js';
import { createEvent, type NewEvent } from '../../functions/kernel/events/metadata.js';
import { toPutEventsEntry } from '../../functions/kernel/publisher.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { NotificationResult } from '../../functions/notifications/handlers/on-notifying-event.js';
import { type Clients, clientsFor, invoke } from '../helpers/invoke.js';
import {
  eventually,
  type LocalApp,
  physicalName,
  publisherBus,
  startLocalApp,
} from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let bus: ReturnType<typeof publisherBus>;
let busName: string;
let store: EventStore;
let orderCustomers: string;

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  // Each event as its service's publisher puts it: the bus refuses commerceforge.<service> from anyone else.
  bus = publisherBus(app);
  busName = physicalName(app, 'Platform', 'DomainEvents/Bus');
  store = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Notifications', 'EventStore/Table'),
  });
  orderCustomers = physicalName(app, 'Notifications', 'OrderCustomer');
}, 180_000);
afterAll(async () => {
  bus?.destroy();
  await app?.stop();
});

let seq = 0;
/** An envelope as another service would have appended it (its own ids, one transaction per test). */
function anEvent<T extends EventType>(input: NewEvent<T>, correlationId: string): DomainEvent {
  seq += 1;
  return createEvent(input, {
    eventId: `evt-notif-${seq}`,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    correlationId,
    causationId: `cmd-notif-${seq}`,
    traceparent: `00-6741c0de0000000000000000000000${seq.toString(16).padStart(2, '0')}-00000000000000aa-01`,
    actor: { type: 'service', id: 'test' },
  }) as DomainEvent;
}

/** What EventBridge hands a Lambda target: the envelope as `detail`. */
const eventBridgeEvent = (event: DomainEvent, id: string) => ({
  version: '0',
  id,
  'detail-type': event.type,
  source: `commerceforge.${event.source}`,
  account: '000000000000',
  time: event.occurredAt,
  region: 'us-east-1',
  resources: [],
  detail: event,
});

const notify = (payload: unknown) =>
  invoke(app, clients.lambda, 'Notifications', 'OnNotifyingEvent', payload);
const project = (payload: unknown) => invoke(app, clients.lambda, 'Notifications', 'Projector', payload);
const publish = (event: DomainEvent) =>
  bus(event.source).send(new PutEventsCommand({ Entries: [toPutEventsEntry(event, busName)] }));
const sentFor = async (eventId: string) => (await store.load(eventId)).events as DomainEvent[];
const handlerName = () => physicalName(app, 'Notifications', 'OnNotifyingEvent/Function');
const handlerInvocations = () => app.lambda.invocations(handlerName()).length;

describe('notifications on the local cloud', () => {
  it('sends the welcome once when the same UserCreated is delivered twice to the handler', async () => {
    const created = anEvent(
      {
        type: 'UserCreated',
        data: { userId: 'user-twice', email: 'twice@example.com', name: 'Twice' },
        streamId: 'user#user-twice',
        streamVersion: 1,
      },
      'corr-twice',
    );
    const first = await notify(eventBridgeEvent(created, 'eb-delivery-1'));
    // A redelivery: another EventBridge id and time, the same envelope.
    const second = await notify({
      ...eventBridgeEvent(created, 'eb-delivery-2'),
      time: '2026-01-01T13:00:00Z',
    });
    expect(first).toMatchObject({ ok: true, payload: { outcome: 'sent', template: 'welcome' } });
    expect(second).toEqual(first);

    const sent = await sentFor(created.eventId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: 'NotificationSent',
      streamId: created.eventId,
      correlationId: 'corr-twice',
      causationId: created.eventId,
      data: { notificationId: `welcome:${created.eventId}`, recipientId: 'user-twice', template: 'welcome' },
    });
    expect((first as { payload: NotificationResult }).payload.events).toEqual([
      expect.objectContaining({ eventId: sent[0]!.eventId, type: 'NotificationSent' }),
    ]);
  });

  it('sends once when the bus carries the same UserCreated twice (PutEvents of one detail, twice)', async () => {
    const created = anEvent(
      {
        type: 'UserCreated',
        data: { userId: 'user-bus-twice', email: 'bus-twice@example.com', name: 'Bus' },
        streamId: 'user#user-bus-twice',
        streamVersion: 1,
      },
      'corr-bus-twice',
    );
    const before = handlerInvocations();
    await publish(created);
    await publish(created);
    // Both deliveries reached the handler (nothing else invokes it meanwhile in this file)...
    await eventually(() => (handlerInvocations() >= before + 2 ? true : undefined));
    // ...and one notification was recorded.
    await eventually(async () => ((await sentFor(created.eventId)).length > 0 ? true : undefined));
    expect(await sentFor(created.eventId)).toHaveLength(1);
  });

  it("notifies an order's customer, found in its own OrderCustomer read model (from OrderPlaced)", async () => {
    const placed = anEvent(
      {
        type: 'OrderPlaced',
        data: {
          orderId: 'ord-notif-1',
          customerId: 'cust-42',
          items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: 1250 }],
          total: 1250,
          currency: 'EUR',
          shippingAddress: { line1: '1 Main St', city: 'Utrecht', postalCode: '3511', country: 'NL' },
        },
        streamId: 'order#ord-notif-1',
        streamVersion: 1,
      },
      'corr-order-1',
    );
    // Straight to the projector: an OrderPlaced on the bus would also start the order saga.
    expect(await project(eventBridgeEvent(placed, 'eb-placed'))).toMatchObject({ ok: true });
    const view = await clients.doc.send(
      new GetCommand({ TableName: orderCustomers, Key: { orderId: 'ord-notif-1' }, ConsistentRead: true }),
    );
    expect(view.Item).toMatchObject({ orderId: 'ord-notif-1', customerId: 'cust-42' });

    const shipped = anEvent(
      {
        type: 'OrderShipped',
        data: { orderId: 'ord-notif-1', shipmentId: 'shp-1', carrier: 'PostNL', trackingNumber: 'TRACK-1' },
        streamId: 'order#ord-notif-1',
        streamVersion: 3,
      },
      'corr-order-1',
    );
    await publish(shipped); // through the bus: the OrderNotifications rule
    const [sent] = await eventually(async () => {
      const events = await sentFor(shipped.eventId);
      return events.length > 0 ? events : undefined;
    });
    expect(sent).toMatchObject({
      correlationId: 'corr-order-1',
      causationId: shipped.eventId,
      data: {
        recipientId: 'cust-42',
        template: 'order-shipped',
        subject: { type: 'order', id: 'ord-notif-1' },
      },
    });
  });

  it('fails an order event whose customer is not known yet (NotFoundError: the bus retries) and writes nothing', async () => {
    const confirmed = anEvent(
      {
        type: 'OrderConfirmed',
        data: { orderId: 'ord-unknown', paymentId: 'pay-1', shipmentId: 'shp-1' },
        streamId: 'order#ord-unknown',
        streamVersion: 2,
      },
      'corr-unknown',
    );
    expect(await notify(eventBridgeEvent(confirmed, 'eb-confirmed'))).toMatchObject({
      ok: false,
      errorType: 'NotFoundError',
    });
    expect(await sentFor(confirmed.eventId)).toEqual([]);
  });
});
