import { EventBridgeClient, PutEventsCommand, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { DomainEvent, EventType } from '../../functions/kernel/events/catalogue.js';
import { createEvent, type NewEvent } from '../../functions/kernel/events/metadata.js';
import { toPutEventsEntry } from '../../functions/kernel/publisher.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { OrderResult } from '../../functions/orders/handlers/commands.js';
import { orderIdFor } from '../../functions/orders/order-id.js';
import type { UsersCommandResult } from '../../functions/users/handlers/commands.js';
import { invocationCount, publish, ranTimes } from '../helpers/bus.js';
import { type Clients, clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import {
  eventually,
  functionCredentials,
  type LocalApp,
  physicalName,
  publisherCredentials,
  startLocalApp,
} from '../helpers/local-app.js';

/**
 * Issue 18, item 1 — only a service speaks for itself on the bus. Each finding reproduced on the local cloud:
 * - a forged PaymentCharged made a DECLINED order show payment CHARGED;
 * - a forged OrderPlaced with `total: 1` for a customer's next order id got the real order charged 1 cent;
 * - a forged OrderPlaced for a made-up order reserved stock and created a shipment;
 * - a forged UserDeleted wiped a profile whose store holds only UserCreated.
 * Put on the bus over the endpoint by an outside caller (any credentials: the account's root) and by another
 * service's identity (inventory's publisher, which may put events, and a function that may not), each is
 * refused by the bus policy (AccessDeniedException) and changes nothing. Put in process, past the bus policy
 * (a principal that may publish, lying), the cross-checks hold: the saga takes the order from the orders
 * store, and a service's views take its events only if its store holds them.
 */

let app: LocalApp;
let clients: Clients;
let sfn: SFNClient;
let busName: string;
let stateMachineArn: string;
let orders: EventStore;
let users: EventStore;
let payments: EventStore;
const table = {} as Record<'orderView' | 'productView' | 'paymentView' | 'priceList' | 'userProfile', string>;
/** The callers a forged event comes from over the endpoint: each must be refused. */
const callers = {} as Record<'outsider' | 'inventoryPublisher' | 'inventoryFunction', EventBridgeClient>;

const US = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const SKU = 'MUG-CLASSIC';

beforeAll(async () => {
  // Retry waits of the state machine at 1/100, as in the saga's e2e test.
  app = await startLocalApp({ timeScale: 0.01 });
  clients = clientsFor(app);
  const config = { endpoint: app.url, region: 'us-east-1' };
  sfn = new SFNClient({ ...config, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  callers.outsider = new EventBridgeClient({
    ...config,
    credentials: { accessKeyId: 'anyone', secretAccessKey: 'anything' },
  });
  callers.inventoryPublisher = new EventBridgeClient({
    ...config,
    credentials: publisherCredentials(app, 'inventory'),
  });
  callers.inventoryFunction = new EventBridgeClient({
    ...config,
    credentials: functionCredentials(app, 'Inventory', 'Commands'),
  });
  busName = physicalName(app, 'Platform', 'DomainEvents/Bus');
  const store = (service: string) =>
    createEventStore({ client: clients.doc, tableName: physicalName(app, service, 'EventStore/Table') });
  orders = store('Orders');
  users = store('Users');
  payments = store('Payments');
  table.orderView = physicalName(app, 'Orders', 'OrderView');
  table.priceList = physicalName(app, 'Orders', 'PriceList');
  table.productView = physicalName(app, 'Inventory', 'ProductView');
  table.paymentView = physicalName(app, 'Payments', 'PaymentView');
  table.userProfile = physicalName(app, 'Users', 'UserProfile');
  stateMachineArn = app.model
    .resources('AWS::StepFunctions::StateMachine')
    .map((r) => app.model.identity(r).arn)
    .find((arn) => arn.includes('OrderFulfillment'))!;
  // The seed reaches ProductView and orders' PriceList (through the bus) in the background.
  for (const { sku } of seedCatalogue) {
    await eventually(() => get(table.priceList, { sku }), 60_000);
    await eventually(() => get(table.productView, { sku }), 60_000);
  }
}, 240_000);
afterAll(async () => {
  for (const client of Object.values(callers)) client?.destroy();
  sfn?.destroy();
  await app?.stop();
});

const get = async (TableName: string, Key: Record<string, string>) =>
  (await clients.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
const busEvents = () => app.plugins.eventBridge.service!.bridge.events;
const onBus = (eventId: string) =>
  busEvents().some((e) => (e.event.detail as { eventId?: string }).eventId === eventId);

let seq = 0;
/** A valid envelope of `input`, as a forger would write it: the catalogue's schema, made-up ids. */
function forged<T extends EventType>(input: NewEvent<T>): DomainEvent {
  seq += 1;
  return createEvent(input, {
    eventId: `evt-forged-${seq}-${Date.now()}`,
    occurredAt: new Date().toISOString(),
    correlationId: `corr-forged-${seq}`,
    causationId: `cmd-forged-${seq}`,
    traceparent: `00-6741c0de0000000000000000000000${seq.toString(16).padStart(2, '0')}-00000000000000aa-01`,
    actor: { type: 'user', id: 'forger' },
  }) as DomainEvent;
}

/** Puts the envelope on the platform bus over the endpoint, as `caller`: one result entry. */
async function putAs(caller: EventBridgeClient, event: DomainEvent): Promise<PutEventsResultEntry> {
  const out = await caller.send(new PutEventsCommand({ Entries: [toPutEventsEntry(event, busName)] }));
  return out.Entries![0]!;
}

/** Every caller's attempt is refused by the bus policy, and none of them reaches the bus. */
async function refusedFromEveryCaller(event: DomainEvent): Promise<void> {
  for (const [name, caller] of Object.entries(callers)) {
    const entry = await putAs(caller, event);
    expect(entry, name).toMatchObject({
      ErrorCode: 'AccessDeniedException',
      ErrorMessage: expect.stringContaining('explicit deny in a resource-based policy'),
    });
    expect(entry.EventId, name).toBeUndefined();
  }
  expect(onBus(event.eventId)).toBe(false);
}

async function placeOrder(key: string, quantity: number, paymentToken: string): Promise<OrderResult> {
  const customerId = `cust-forged-${key}`;
  const out = await invoke(app, clients.lambda, 'Orders', 'Commands', {
    command: {
      type: 'PlaceOrder',
      data: {
        customerId,
        items: [{ sku: SKU, quantity }],
        shippingAddress: US,
        paymentToken,
        idempotencyKey: `forged-e2e-${key}`,
      },
    },
    actor: { type: 'user', id: customerId },
  });
  return succeeded<OrderResult>(out).result;
}

/** The saga's execution for the order (named by the orderId), once it ended; undefined if none started. */
async function sagaOf(orderId: string): Promise<DescribeExecutionCommandOutput | undefined> {
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}
const sagaEnded = (orderId: string) =>
  eventually(async () => {
    const execution = await sagaOf(orderId);
    return execution && execution.status !== 'RUNNING' ? execution : undefined;
  }, 60_000);

const viewIn = (
  tableName: string,
  key: Record<string, string>,
  ok: (item: Record<string, unknown>) => boolean,
) =>
  eventually(async () => {
    const item = await get(tableName, key);
    return item && ok(item) ? item : undefined;
  }, 60_000);

describe('forged events on the local bus', () => {
  it('PaymentCharged for a DECLINED order: refused on the bus; past it, the payment stays DECLINED', async () => {
    const order = await placeOrder('declined', 1, 'tok_decline');
    await viewIn(table.paymentView, { orderId: order.orderId }, (v) => v.status === 'DECLINED');
    // The payment's stream as the decline left it: the forged charge comes next in it.
    const last = busEvents().find(
      (e) =>
        e.event['detail-type'] === 'PaymentDeclined' &&
        (e.event.detail as { data?: { orderId?: string } }).data?.orderId === order.orderId,
    )!.event.detail as DomainEvent;
    const charged = forged({
      type: 'PaymentCharged',
      data: {
        paymentId: `pay-${order.orderId}`,
        orderId: order.orderId,
        amount: order.total,
        currency: order.currency,
        customerId: order.customerId,
        providerReference: 'ch_forged',
      },
      streamId: last.streamId,
      streamVersion: last.streamVersion + 1,
    });

    await refusedFromEveryCaller(charged);

    // Past the bus policy, as a principal that may publish payments but lies: its store holds no such event.
    const before = invocationCount(app, 'Payments', 'Projector');
    publish(app, charged);
    await ranTimes(app, 'Payments', 'Projector', before + 1);
    expect(await get(table.paymentView, { orderId: order.orderId })).toMatchObject({ status: 'DECLINED' });
    expect((await payments.load(last.streamId)).events.map((e) => e.eventId)).not.toContain(charged.eventId);
  });

  it("OrderPlaced with total 1 for a customer's next order id: refused; the real order is charged its total", async () => {
    const key = 'next-order';
    const customerId = `cust-forged-${key}`;
    const nextOrderId = orderIdFor(customerId, `forged-e2e-${key}`);
    const cheap = forged({
      type: 'OrderPlaced',
      data: {
        orderId: nextOrderId,
        customerId,
        items: [{ sku: SKU, quantity: 2, unitPrice: 0 }],
        total: 1,
        currency: 'USD',
        shippingAddress: US,
      },
      streamId: nextOrderId,
      streamVersion: 1,
    });

    await refusedFromEveryCaller(cheap);
    expect(await sagaOf(nextOrderId)).toBeUndefined();

    const order = await placeOrder(key, 2, 'tok_visa');
    expect(order.orderId).toBe(nextOrderId);
    expect(order.total).toBeGreaterThan(1);
    const execution = await sagaEnded(order.orderId);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ status: 'Succeeded' });
    expect(
      await viewIn(table.paymentView, { orderId: order.orderId }, (v) => v.status === 'CHARGED'),
    ).toMatchObject({
      amount: order.total,
    });
  });

  it('OrderPlaced for a made-up order: refused; past it, the saga does nothing (no stock, no charge, no shipment)', async () => {
    const madeUp = orderIdFor('cust-forged-nobody', `made-up-${Date.now()}`);
    const placed = forged({
      type: 'OrderPlaced',
      data: {
        orderId: madeUp,
        customerId: 'cust-forged-nobody',
        items: [{ sku: SKU, quantity: 3, unitPrice: 1200 }],
        total: 3600,
        currency: 'USD',
        shippingAddress: US,
      },
      streamId: madeUp,
      streamVersion: 1,
    });

    await refusedFromEveryCaller(placed);
    expect(await sagaOf(madeUp)).toBeUndefined();

    // Past the bus policy: the saga starts, finds no such order in the orders store, and ends there.
    const stock = await get(table.productView, { sku: SKU });
    publish(app, placed);
    const execution = await sagaEnded(madeUp);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'Abandoned',
      abandonedStep: 'PlanFulfillment',
      error: { Error: 'UnknownOrderError' },
    });
    // No service acted on it: no stock reserved, no payment, no shipment, nothing cancelled.
    const actedOn = busEvents().filter(
      (e) =>
        (e.event.detail as { data?: { orderId?: string } }).data?.orderId === madeUp &&
        !['commerceforge.saga'].includes(e.event.source) &&
        (e.event.detail as { eventId?: string }).eventId !== placed.eventId,
    );
    expect(actedOn.map((e) => e.event['detail-type'])).toEqual([]);
    expect(await get(table.productView, { sku: SKU })).toMatchObject({
      available: stock!.available,
      reserved: stock!.reserved,
    });
    expect(await get(table.paymentView, { orderId: madeUp })).toBeUndefined();
    // Nor does the orders' own view show an order its store does not hold.
    expect(await get(table.orderView, { id: madeUp })).toBeUndefined();
    expect((await orders.load(madeUp)).events).toEqual([]);
  });

  it('UserDeleted for a user whose store holds only UserCreated: refused; past it, the profile stays', async () => {
    const registered = succeeded<UsersCommandResult>(
      await invoke(app, clients.lambda, 'Users', 'Commands', {
        command: { type: 'RegisterUser', data: { email: 'grace@example.com', name: 'Grace Hopper' } },
        actor: { type: 'service', id: 'graphql-api' },
        commandId: `cmd-forged-register-${Date.now()}`,
      }),
    );
    const [created] = registered.events;
    const userId = registered.result.user.userId;
    await viewIn(table.userProfile, { userId }, (v) => v.email === 'grace@example.com');
    const deleted = forged({
      type: 'UserDeleted',
      data: { userId },
      streamId: created!.streamId,
      streamVersion: created!.streamVersion + 1,
    });

    await refusedFromEveryCaller(deleted);

    const before = invocationCount(app, 'Users', 'Projector');
    publish(app, deleted);
    await ranTimes(app, 'Users', 'Projector', before + 1);
    expect(await get(table.userProfile, { userId })).toMatchObject({
      email: 'grace@example.com',
      name: 'Grace Hopper',
    });
    expect((await users.load(created!.streamId)).events.map((e) => e.type)).toEqual(['UserCreated']);
  });

  it('lets each publisher put its own source: the refusals above are the policy, not a broken bus', async () => {
    const order = await placeOrder('own-source', 1, 'tok_visa');
    const [placed] = (await orders.load(order.orderId)).events;
    // The orders publisher redelivers its own stored OrderPlaced: accepted (and idempotent downstream).
    const ordersPublisher = new EventBridgeClient({
      endpoint: app.url,
      region: 'us-east-1',
      credentials: publisherCredentials(app, 'orders'),
    });
    const out = await ordersPublisher.send(
      new PutEventsCommand({ Entries: [toPutEventsEntry(placed as DomainEvent, busName)] }),
    );
    ordersPublisher.destroy();
    expect(out.FailedEntryCount).toBe(0);
    // An outsider may put a source nobody reserves.
    const other = await callers.outsider.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: busName, Source: 'partner.webhooks', DetailType: 'Ping', Detail: '{}' }],
      }),
    );
    expect(other.FailedEntryCount).toBe(0);
    // And nobody may put a made-up source under commerceforge.
    const unowned = await callers.outsider.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: 'commerceforge.payment',
            DetailType: 'PaymentCharged',
            Detail: '{}',
          },
        ],
      }),
    );
    expect(unowned.Entries?.[0]).toMatchObject({ ErrorCode: 'AccessDeniedException' });
    expect((await sagaEnded(order.orderId)).status).toBe('SUCCEEDED');
  });
});
