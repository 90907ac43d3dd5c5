import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { toPutEventsEntry } from '../../functions/kernel/publisher.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { ShipmentResult } from '../../functions/shipping/handlers/results.js';
import type { WarehouseAgentPlugin } from '../../local-app/warehouse-agent.js';
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
    tableName: physicalName(app, 'Shipping', 'EventStore/Table'),
  });
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

const shipping = (payload: unknown) => invoke(app, clients.lambda, 'Shipping', 'Commands', payload);
const address = (country: string) => ({
  line1: '1 rue de la Paix',
  city: 'Paris',
  postalCode: '75002',
  country,
});
const createShipment = (shipmentId: string, country: string, quantity = 2) =>
  shipping({
    command: {
      type: 'CreateShipment',
      data: {
        shipmentId,
        orderId: `ord-${shipmentId}`,
        items: [{ sku: 'MUG-1', quantity }],
        shippingAddress: address(country),
      },
    },
    actor: { type: 'service', id: 'saga' },
  });

const stream = async (streamId: string) => (await store.load(streamId)).events as DomainEvent[];
const types = async (streamId: string) => (await stream(streamId)).map((e) => e.type);
const busEvents = () => app.plugins.eventBridge.service!.bridge.events;
const onBus = (eventId: string) =>
  eventually(() => busEvents().find((e) => (e.event.detail as { eventId?: string }).eventId === eventId));
const until = (streamId: string, type: string, timeoutMs = 20_000) =>
  eventually(async () => (await stream(streamId)).find((e) => e.type === type), timeoutMs);

describe('shipping on the local cloud', () => {
  it('creates a shipment to FR with its mission; the simulated agent completes it; the shipment is dispatched, then delivered', async () => {
    const { events, result } = succeeded<ShipmentResult>(await createShipment('shp-fr', 'FR'));
    expect(events.map((e) => [e.type, e.streamId, e.streamVersion])).toEqual([
      ['ShipmentCreated', 'shp-fr', 1],
      ['MissionCreated', 'mission-shp-fr', 1],
    ]);
    expect(result).toEqual({
      shipmentId: 'shp-fr',
      status: 'CREATED',
      orderId: 'ord-shp-fr',
      carrier: 'SimPost',
      country: 'FR',
      missionId: 'mission-shp-fr',
    });
    const [created] = await stream('shp-fr');
    const [mission] = await stream('mission-shp-fr');
    expect(mission!.data).toMatchObject({
      tasks: [
        { kind: 'PICK', sequence: 1 },
        { kind: 'PACK', sequence: 2 },
        { kind: 'LABEL', sequence: 3 },
      ],
    });
    // One command, one transaction: both events share the command's correlation.
    expect(mission!.correlationId).toBe(created!.correlationId);
    expect((await onBus(created!.eventId)).event.source).toBe('commerceforge.shipping');
    await onBus(mission!.eventId);

    const completed = await until('mission-shp-fr', 'MissionCompleted');
    expect(await types('mission-shp-fr')).toEqual([
      'MissionCreated',
      'TaskAssigned',
      'TaskCompleted',
      'TaskAssigned',
      'TaskCompleted',
      'TaskAssigned',
      'TaskCompleted',
      'MissionCompleted',
    ]);
    const dispatched = await until('shp-fr', 'ShipmentDispatched');
    // The dispatch was caused by MissionCompleted (choreography inside the service), ids carried on.
    expect(dispatched.causationId).toBe(completed.eventId);
    expect(dispatched.correlationId).toBe(completed.correlationId);
    expect(dispatched.data).toMatchObject({ carrier: 'SimPost', trackingNumber: 'TRK-shp-fr' });
    await onBus(dispatched.eventId);

    await until('shp-fr', 'ShipmentDelivered');
    expect(await types('shp-fr')).toEqual(['ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered']);
    const agent = app.plugins.find((p) => p.name === 'warehouse-agent') as WarehouseAgentPlugin | undefined;
    expect(agent?.actions.filter((a) => a.subject === 'mission-shp-fr' && a.outcome === 'ok')).toHaveLength(
      6,
    );
  });

  it('creates a shipment once: the same CreateShipment again appends nothing and answers from the state', async () => {
    succeeded(await createShipment('shp-twice', 'US'));
    const again = succeeded<ShipmentResult>(await createShipment('shp-twice', 'US'));
    expect(again.events).toEqual([]);
    expect(again.result).toMatchObject({ shipmentId: 'shp-twice', orderId: 'ord-shp-twice' });
    expect((await types('mission-shp-twice'))[0]).toBe('MissionCreated');
    expect((await types('mission-shp-twice')).filter((t) => t === 'MissionCreated')).toHaveLength(1);
    expect((await types('shp-twice')).filter((t) => t === 'ShipmentCreated')).toHaveLength(1);
  });

  it('records ShipmentFailed for an unsupported country (JP) and fails the step with ShipmentFailedError', async () => {
    const failed = await createShipment('shp-jp', 'JP');
    expect(failed).toMatchObject({ ok: false, errorType: 'ShipmentFailedError' });
    const events = await stream('shp-jp');
    expect(events.map((e) => e.type)).toEqual(['ShipmentFailed']);
    expect(events[0]!.data).toMatchObject({
      code: 'UNSUPPORTED_COUNTRY',
      country: 'JP',
      orderId: 'ord-shp-jp',
    });
    await onBus(events[0]!.eventId);
    expect(await stream('mission-shp-jp')).toEqual([]);
    // Retried by the saga: the same answer, nothing new.
    expect(await createShipment('shp-jp', 'JP')).toMatchObject({
      ok: false,
      errorType: 'ShipmentFailedError',
    });
    expect(await stream('shp-jp')).toHaveLength(1);
  });

  it('refuses malformed commands with a ValidationError and writes nothing', async () => {
    expect(await createShipment('shp-bad', 'FR', 0)).toMatchObject({
      ok: false,
      errorType: 'ValidationError',
    });
    expect(await createShipment('shp-bad', 'France')).toMatchObject({
      ok: false,
      errorType: 'ValidationError',
    });
    expect(await shipping({ command: { type: 'ShipEverything', data: {} } })).toMatchObject({
      ok: false,
      errorType: 'ValidationError',
    });
    expect(
      await shipping({
        command: {
          type: 'DeliverShipment',
          data: { shipmentId: 'shp-none', deliveredAt: '2026-01-01T00:00:00Z' },
        },
      }),
    ).toMatchObject({
      ok: false,
      errorType: 'NotFoundError',
    });
    expect(await stream('shp-bad')).toEqual([]);
    expect(await stream('mission-shp-bad')).toEqual([]);
    expect(await stream('shp-none')).toEqual([]);
  });

  it('cancels a shipment before dispatch (compensation, safe to retry): its mission stops, nothing is dispatched', async () => {
    succeeded(await createShipment('shp-cancel', 'DE'));
    const cancel = () =>
      shipping({
        command: { type: 'CancelShipment', data: { shipmentId: 'shp-cancel', reason: 'payment declined' } },
      });
    const cancelled = succeeded<ShipmentResult>(await cancel());
    expect(cancelled.result).toMatchObject({ status: 'CANCELLED' });
    // The mission is stopped in the same transaction, whatever the simulated agent had done by then.
    expect(cancelled.events.map((e) => [e.type, e.streamId])).toEqual([
      ['ShipmentCancelled', 'shp-cancel'],
      ['MissionCancelled', 'mission-shp-cancel'],
    ]);
    expect(succeeded(await cancel()).events).toEqual([]);
    // A warehouse agent that heard nothing is refused by the mission itself.
    expect(
      await shipping({
        command: {
          type: 'AssignTask',
          data: {
            missionId: 'mission-shp-cancel',
            taskId: 'PICK-1',
            agentId: 'agent-late',
            shipmentCancelled: false,
          },
        },
      }),
    ).toMatchObject({
      ok: false,
      errorType: 'BusinessRuleError',
      errorMessage: expect.stringContaining('stopped'),
    });
    // Compensating a shipment never created succeeds with nothing to undo.
    expect(
      succeeded(
        await shipping({
          command: { type: 'CancelShipment', data: { shipmentId: 'shp-never', reason: 'x' } },
        }),
      ).events,
    ).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 3000));
    const mission = await types('mission-shp-cancel');
    expect(mission).not.toContain('MissionCompleted');
    expect(mission.at(-1)).toBe('MissionCancelled');
    expect(await types('shp-cancel')).toEqual(['ShipmentCreated', 'ShipmentCancelled']);
  });

  it('dispatches once when MissionCompleted is delivered twice', async () => {
    succeeded(await createShipment('shp-dup', 'NL'));
    const completed = await until('mission-shp-dup', 'MissionCompleted');
    await until('shp-dup', 'ShipmentDispatched');
    const { eventBusName } = await onBus(completed.eventId);
    // As shipping's publisher: the bus refuses commerceforge.shipping from anyone else.
    const events = new EventBridgeClient({
      endpoint: app.url,
      region: 'us-east-1',
      credentials: publisherCredentials(app, 'shipping'),
    });
    const dispatcher = physicalName(app, 'Shipping', 'OnMissionCompleted/Function');
    const before = app.lambda.invocations(dispatcher).length;
    await events.send(new PutEventsCommand({ Entries: [toPutEventsEntry(completed, eventBusName)] }));
    await eventually(() =>
      busEvents().filter((e) => (e.event.detail as { eventId?: string }).eventId === completed.eventId)
        .length >= 2
        ? true
        : undefined,
    );
    // The redelivery reached the dispatcher and did nothing.
    await eventually(() => (app.lambda.invocations(dispatcher).length > before ? true : undefined));
    expect((await types('shp-dup')).filter((t) => t === 'ShipmentDispatched')).toHaveLength(1);
  });
});
