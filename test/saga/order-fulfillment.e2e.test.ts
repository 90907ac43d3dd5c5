import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { OrderResult } from '../../functions/orders/handlers/commands.js';
import { invocationCount, ranTimes, redeliver } from '../helpers/bus.js';
import { type Clients, clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

/**
 * The order fulfillment saga end to end on the local cloud: orders placed through orders' Commands function
 * (as the GraphQL API will), OrderPlaced relayed by the outbox to the bus, the rule starting the saga through
 * its starter, the state machine invoking the real services, and the read models (OrderView, ProductView,
 * PaymentView) read through the local DynamoDB. The shipped path goes on by choreography: the warehouse agent
 * completes the mission, shipping dispatches and delivers, orders follows (ShipOrder, DeliverOrder) and
 * notifications tell the customer.
 */

let app: LocalApp;
let clients: Clients;
let sfn: SFNClient;
let stateMachineArn: string;
const table = {} as Record<'orderView' | 'productView' | 'paymentView' | 'priceList', string>;

const US = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const JP = { line1: '1-1 Chiyoda', city: 'Tokyo', postalCode: '100-0001', country: 'JP' };

beforeAll(async () => {
  // Retry waits and timeouts of the state machine at 1/100: the outage's backoff takes milliseconds.
  app = await startLocalApp({ timeScale: 0.01 });
  clients = clientsFor(app);
  sfn = new SFNClient({
    endpoint: app.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  table.orderView = physicalName(app, 'Orders', 'OrderView');
  table.priceList = physicalName(app, 'Orders', 'PriceList');
  table.productView = physicalName(app, 'Inventory', 'ProductView');
  table.paymentView = physicalName(app, 'Payments', 'PaymentView');
  const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
  const machine = stateMachines?.find((m) => m.name?.includes('OrderFulfillment'));
  if (!machine?.stateMachineArn) throw new Error('no OrderFulfillment state machine on the local cloud');
  stateMachineArn = machine.stateMachineArn;
  // The seed reaches ProductView and orders' PriceList (through the bus) in the background.
  for (const { sku } of seedCatalogue) {
    await eventually(() => get(table.priceList, { sku }), 60_000);
    await eventually(() => get(table.productView, { sku }), 60_000);
  }
}, 180_000);
afterAll(async () => {
  sfn?.destroy();
  await app?.stop();
});

const get = async (TableName: string, Key: Record<string, string>) =>
  (await clients.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;

interface Stock {
  readonly available: number;
  readonly reserved: number;
  readonly version: number;
}
const stockOf = async (sku: string) => (await get(table.productView, { sku })) as Stock;

async function placeOrder(
  key: string,
  items: { sku: string; quantity: number }[],
  paymentToken: string,
  shippingAddress = US,
): Promise<OrderResult> {
  const customerId = `cust-saga-${key}`;
  const out = await invoke(app, clients.lambda, 'Orders', 'Commands', {
    command: {
      type: 'PlaceOrder',
      data: { customerId, items, shippingAddress, paymentToken, idempotencyKey: `saga-e2e-${key}` },
    },
    actor: { type: 'user', id: customerId },
  });
  return succeeded<OrderResult>(out).result;
}

const executionArnOf = (orderId: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;

/** The saga's execution for the order (named by the orderId), once it ended. */
async function sagaEnded(orderId: string, timeoutMs = 60_000) {
  return eventually(async () => {
    try {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(orderId) }));
      const running: ExecutionStatus = 'RUNNING';
      return out.status === running ? undefined : out;
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return undefined; // not started yet
      throw error;
    }
  }, timeoutMs);
}

async function historyOf(orderId: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: executionArnOf(orderId), nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The OrderView once its status is one of `statuses`. */
const orderViewIn = (orderId: string, statuses: string[], timeoutMs = 30_000) =>
  eventually(async () => {
    const view = await get(table.orderView, { id: orderId });
    return view && statuses.includes(view.status as string) ? view : undefined;
  }, timeoutMs);

/** ProductView once it has caught up with `versions` more stream events than `before`. */
const stockAfter = (sku: string, before: Stock, versions: number) =>
  eventually(async () => {
    const now = await stockOf(sku);
    return now.version >= before.version + versions ? now : undefined;
  });

/** Names of the Lambda tasks (state names) entered, in order, from the history. */
function tasksRun(history: readonly HistoryEvent[]): string[] {
  return history
    .filter((e) => e.type === 'TaskStateEntered')
    .map((e) => e.stateEnteredEventDetails?.name ?? '')
    .filter((name) => !name.includes(':'));
}

/** The command type of every Lambda invocation the saga scheduled, from the history's inputs. */
function commandsScheduled(history: readonly HistoryEvent[]): string[] {
  return history
    .filter((e) => e.type === 'LambdaFunctionScheduled')
    .map((e) => {
      const input = JSON.parse(e.lambdaFunctionScheduledEventDetails?.input ?? '{}') as {
        command?: { type?: string };
        event?: string;
      };
      // The plan takes `{ orderId }` only; an event build names its `event`.
      return input.command?.type ?? (input.event ? `build ${input.event}` : 'PlanFulfillment');
    })
    .filter((name) => !name.startsWith('build '));
}

describe('the order fulfillment saga on the local cloud', () => {
  it('tok_visa: CONFIRMED, then SHIPPED and DELIVERED by choreography, stock reserved, payment charged, customer notified', async () => {
    const sku = 'MUG-CLASSIC';
    const before = await stockOf(sku);
    const order = await placeOrder('visa', [{ sku, quantity: 2 }], 'tok_visa');
    expect(order.status).toBe('PENDING');

    const execution = await sagaEnded(order.orderId);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'Succeeded',
      sagaName: 'OrderFulfillment',
      sagaId: order.orderId,
    });
    expect(await orderViewIn(order.orderId, ['CONFIRMED', 'SHIPPED', 'DELIVERED'])).toMatchObject({
      paymentId: `pay-${order.orderId}`,
      shipmentId: `shp-${order.orderId}`,
    });
    const payment = await eventually(() => get(table.paymentView, { orderId: order.orderId }));
    expect(payment).toMatchObject({ status: 'CHARGED', amount: order.total, refundedAmount: 0 });
    const stock = await stockAfter(sku, before, 1);
    expect(stock).toMatchObject({ available: before.available - 2, reserved: before.reserved + 2 });

    // The warehouse agent completes the mission, shipping dispatches then delivers; orders follows.
    const delivered = await orderViewIn(order.orderId, ['DELIVERED'], 60_000);
    expect(delivered).toMatchObject({ status: 'DELIVERED', carrier: expect.any(String) });
    expect(delivered.trackingNumber).toEqual(expect.any(String));
    // Notifications: confirmed, shipped, and the review request on delivery, all to the customer.
    const templates = await eventually(() => {
      const sent = app.plugins.eventBridge
        .service!.bridge.events.map(
          (e) =>
            e.event.detail as {
              type?: string;
              data?: { template?: string; subject?: { id?: string } };
            },
        )
        .filter((d) => d.type === 'NotificationSent' && d.data?.subject?.id === order.orderId)
        .map((d) => d.data?.template);
      return sent.includes('review-request') ? sent : undefined;
    }, 30_000);
    expect(templates).toEqual(expect.arrayContaining(['order-confirmed', 'order-shipped', 'review-request']));
    // Every saga step's events continue the OrderPlaced's transaction (its correlation id).
    const busEvents = app.plugins.eventBridge.service!.bridge.events.map(
      (e) => e.event.detail as { type?: string; correlationId?: string; data?: { orderId?: string } },
    );
    const placed = busEvents.find((d) => d.type === 'OrderPlaced' && d.data?.orderId === order.orderId);
    for (const type of ['StockReserved', 'PaymentCharged', 'ShipmentCreated', 'OrderConfirmed']) {
      const event = busEvents.find((d) => d.type === type && d.data?.orderId === order.orderId);
      expect(event?.correlationId, type).toBe(placed?.correlationId);
    }
  });

  it('tok_decline: CANCELLED at once (no retry), stock released, nothing charged', async () => {
    const sku = 'TEE-LOGO-M';
    const before = await stockOf(sku);
    const order = await placeOrder('decline', [{ sku, quantity: 3 }], 'tok_decline');
    const execution = await sagaEnded(order.orderId);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'Compensated',
      failedStep: 'ChargePayment',
      error: { Error: 'PaymentDeclinedError' },
      compensatedSteps: ['ReserveStock', 'PlanFulfillment'],
    });
    expect(await orderViewIn(order.orderId, ['CANCELLED'])).toMatchObject({
      failureReason: 'ChargePayment failed: PaymentDeclinedError',
      failedStep: 'ChargePayment',
    });
    const payment = await eventually(() => get(table.paymentView, { orderId: order.orderId }));
    expect(payment).toMatchObject({ status: 'DECLINED', refundedAmount: 0 });
    expect(await stockAfter(sku, before, 2)).toMatchObject({
      available: before.available,
      reserved: before.reserved,
    });
    const history = await historyOf(order.orderId);
    expect(commandsScheduled(history)).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      'ChargePayment',
      'ReleaseStock',
      'CancelOrder',
    ]);
  });

  it('tok_error: the outage is retried with backoff, then the saga gives up: CANCELLED, stock released, no payment', async () => {
    const sku = 'TEE-LOGO-L';
    const before = await stockOf(sku);
    const order = await placeOrder('error', [{ sku, quantity: 1 }], 'tok_error');
    const execution = await sagaEnded(order.orderId);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'Compensated',
      failedStep: 'ChargePayment',
      error: { Error: 'ProviderUnavailableError' },
    });
    expect(await orderViewIn(order.orderId, ['CANCELLED'])).toMatchObject({
      failureReason: 'ChargePayment failed: ProviderUnavailableError',
    });
    expect(await stockAfter(sku, before, 2)).toMatchObject({
      available: before.available,
      reserved: before.reserved,
    });
    // An outage writes nothing: no payment at all.
    expect(await get(table.paymentView, { orderId: order.orderId })).toBeUndefined();

    const history = await historyOf(order.orderId);
    expect(commandsScheduled(history)).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      'ChargePayment',
      'ChargePayment',
      'ChargePayment',
      'ChargePayment',
      'ReleaseStock',
      'CancelOrder',
    ]);
    const failures = history.filter(
      (e) =>
        e.type === 'LambdaFunctionFailed' &&
        e.lambdaFunctionFailedEventDetails?.error === 'ProviderUnavailableError',
    );
    expect(failures).toHaveLength(4);
  });

  it('an unsupported country (JP): the shipment fails, the charge is refunded, stock released, CANCELLED; the history shows the path', async () => {
    const sku = 'HOODIE-GREY';
    const before = await stockOf(sku);
    const order = await placeOrder('japan', [{ sku, quantity: 1 }], 'tok_visa', JP);
    const execution = await sagaEnded(order.orderId);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'Compensated',
      failedStep: 'CreateShipment',
      error: { Error: 'ShipmentFailedError' },
      compensatedSteps: ['ChargePayment', 'ReserveStock', 'PlanFulfillment'],
    });
    expect(await orderViewIn(order.orderId, ['CANCELLED'])).toMatchObject({
      failureReason: 'CreateShipment failed: ShipmentFailedError',
      failedStep: 'CreateShipment',
    });
    const refunded = await eventually(async () => {
      const view = await get(table.paymentView, { orderId: order.orderId });
      return view?.status === 'REFUNDED' ? view : undefined;
    });
    expect(refunded).toMatchObject({ amount: order.total, refundedAmount: order.total });
    expect(await stockAfter(sku, before, 2)).toMatchObject({
      available: before.available,
      reserved: before.reserved,
    });

    // GetExecutionHistory through the real SDK: the failed task, its Catch, the compensations in reverse.
    const history = await historyOf(order.orderId);
    const types = history.map((e) => e.type);
    const failed = history.findIndex(
      (e) =>
        e.type === 'LambdaFunctionFailed' &&
        e.lambdaFunctionFailedEventDetails?.error === 'ShipmentFailedError',
    );
    expect(failed).toBeGreaterThan(0);
    const caught = history.findIndex(
      (e, i) =>
        i > failed &&
        e.type === 'PassStateEntered' &&
        e.stateEnteredEventDetails?.name === 'CreateShipment failed',
    );
    expect(caught).toBeGreaterThan(failed);
    expect(tasksRun(history.slice(caught))).toEqual([
      'Undo ChargePayment',
      'Undo ReserveStock',
      'Undo PlanFulfillment',
    ]);
    expect(commandsScheduled(history)).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      'ChargePayment',
      'CreateShipment',
      'RefundPayment',
      'ReleaseStock',
      'CancelOrder',
    ]);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('too little stock: nothing reserved (all lines or none), nothing charged, CANCELLED', async () => {
    const scarce = 'KEYBOARD-MECH';
    const plenty = 'STICKER-PACK';
    const before = { scarce: await stockOf(scarce), plenty: await stockOf(plenty) };
    const order = await placeOrder(
      'scarce',
      [
        { sku: plenty, quantity: 1 },
        { sku: scarce, quantity: before.scarce.available + 5 },
      ],
      'tok_visa',
    );
    const execution = await sagaEnded(order.orderId);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'Compensated',
      failedStep: 'ReserveStock',
      error: { Error: 'StockReservationFailedError' },
      compensatedSteps: ['PlanFulfillment'],
    });
    expect(await orderViewIn(order.orderId, ['CANCELLED'])).toMatchObject({
      failureReason: 'ReserveStock failed: StockReservationFailedError',
      failedStep: 'ReserveStock',
    });
    expect(await get(table.paymentView, { orderId: order.orderId })).toBeUndefined();
    expect(await stockOf(scarce)).toEqual(before.scarce);
    expect(await stockOf(plenty)).toEqual(before.plenty);
    expect(commandsScheduled(await historyOf(order.orderId))).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      'CancelOrder',
    ]);
  });

  it('a redelivered OrderPlaced starts no second saga (the execution is named by the orderId)', async () => {
    const order = await placeOrder('redelivered', [{ sku: 'NOTEBOOK-A5', quantity: 1 }], 'tok_decline');
    await sagaEnded(order.orderId);
    const placed = app.plugins.eventBridge.service!.bridge.events.find((e) => {
      const detail = e.event.detail as { type?: string; data?: { orderId?: string } };
      return detail.type === 'OrderPlaced' && detail.data?.orderId === order.orderId;
    });
    const starts = invocationCount(app, 'Sagas', 'OrderFulfillment/Starter');
    await redeliver(app, (placed!.event.detail as { eventId: string }).eventId);
    await ranTimes(app, 'Sagas', 'OrderFulfillment/Starter', starts + 1);
    // The starter ran to the end without an error: ExecutionAlreadyExists means "already started".
    const starter = physicalName(app, 'Sagas', 'OrderFulfillment/Starter/Function');
    expect(app.lambda.invocations(starter).at(-1)?.error).toBeUndefined();
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions?.filter((e) => e.name === order.orderId)).toHaveLength(1);
    expect(commandsScheduled(await historyOf(order.orderId))).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      'ChargePayment',
      'ReleaseStock',
      'CancelOrder',
    ]);
  });

  // Six orders above: tok_visa succeeds; decline, error, JP, too little stock and the redelivered one (declined)
  // are compensated.
  it("analytics' SalesSummary counts these sagas from their lifecycle events: 1 succeeded, 5 compensated", async () => {
    const expected = { started: 6, running: 0, succeeded: 1, compensated: 5, failed: 0, successRate: 1 / 6 };
    let last: unknown;
    await eventually(async () => {
      const out = await invoke(app, clients.lambda, 'Analytics', 'Query', {});
      if (!out.ok) throw new Error(`${out.errorType}: ${out.errorMessage}`);
      last = (out.payload as { sagas: unknown }).sagas;
      return JSON.stringify(last) === JSON.stringify(expected) ? last : undefined;
    }).catch(() => undefined);
    expect(last).toEqual(expected);
  });
});
