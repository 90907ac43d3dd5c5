import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { OrderResult } from '../../functions/orders/handlers/commands.js';
import type { LocalLogger } from '../../local/core/log.js';
import { type Clients, clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

/**
 * What is logged and kept, end to end on the local cloud: an order paid with tok_visa is confirmed by the
 * saga, and the token is nowhere the platform keeps things — not in the orders event store's OrderPlaced, not
 * on the bus nor in its archive, not in the saga's execution history, not in any line the functions logged —
 * and the payments token vault, where PlaceOrder left it for the charge, no longer holds it. The address's
 * street is not in the logs either.
 */

const TOKEN = 'tok_visa';
const STREET = '742 Evergreen Terrace';
const ADDRESS = { line1: STREET, city: 'Springfield', postalCode: '49007', country: 'US' };

let app: LocalApp;
let clients: Clients;
let sfn: SFNClient;
let stateMachineArn: string;
const logs: string[] = [];
const collecting: LocalLogger = {
  info: (line) => logs.push(line),
  warn: (line) => logs.push(line),
  output: (source, line) => logs.push(`[${source}] ${line}`),
};
const table = {} as Record<'orderStore' | 'vault' | 'orderView' | 'priceList' | 'productView', string>;

beforeAll(async () => {
  app = await startLocalApp({ timeScale: 0.01, logger: collecting });
  clients = clientsFor(app);
  sfn = new SFNClient({
    endpoint: app.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  table.orderStore = physicalName(app, 'Orders', 'EventStore/Table');
  table.vault = physicalName(app, 'Payments', 'PaymentTokenVault');
  table.orderView = physicalName(app, 'Orders', 'OrderView');
  table.priceList = physicalName(app, 'Orders', 'PriceList');
  table.productView = physicalName(app, 'Inventory', 'ProductView');
  const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
  stateMachineArn = stateMachines!.find((m) => m.name?.includes('OrderFulfillment'))!.stateMachineArn!;
  const { sku } = seedCatalogue[0]!;
  await eventually(() => get(table.priceList, { sku }), 60_000);
  await eventually(() => get(table.productView, { sku }), 60_000);
}, 180_000);
afterAll(async () => {
  sfn?.destroy();
  await app?.stop();
});

const get = async (TableName: string, Key: Record<string, unknown>) =>
  (await clients.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;

async function placeOrder(key: string, paymentToken: string): Promise<OrderResult> {
  const customerId = `cust-safety-${key}`;
  const out = await invoke(app, clients.lambda, 'Orders', 'Commands', {
    command: {
      type: 'PlaceOrder',
      data: {
        customerId,
        items: [{ sku: seedCatalogue[0]!.sku, quantity: 1 }],
        shippingAddress: ADDRESS,
        paymentToken,
        idempotencyKey: `safety-${key}`,
      },
    },
    actor: { type: 'user', id: customerId },
  });
  return succeeded<OrderResult>(out).result;
}

const executionArnOf = (orderId: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;

async function sagaEnded(orderId: string) {
  return eventually(async () => {
    try {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(orderId) }));
      return out.status === 'RUNNING' ? undefined : out;
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  }, 60_000);
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

describe('what is logged and kept', () => {
  let orderId: string;
  beforeAll(async () => {
    orderId = (await placeOrder('visa', TOKEN)).orderId;
    const ended = await sagaEnded(orderId);
    expect(ended.status).toBe('SUCCEEDED');
    await eventually(async () => {
      const view = await get(table.orderView, { id: orderId });
      return view?.status === 'CONFIRMED' ? view : undefined;
    }, 30_000);
  }, 120_000);

  it('confirms the order: the charge found the token in the vault', async () => {
    const history = await historyOf(orderId);
    const charged = history.find(
      (e) =>
        e.type === 'LambdaFunctionSucceeded' &&
        e.lambdaFunctionSucceededEventDetails?.output?.includes('"status":"CHARGED"'),
    );
    expect(charged).toBeDefined();
    expect(await get(table.orderView, { id: orderId })).toMatchObject({ status: 'CONFIRMED' });
  });

  it('keeps no token in the orders event store: OrderPlaced is v3, without it', async () => {
    const placed = await get(table.orderStore, { streamId: orderId, version: 1 });
    expect(placed).toBeDefined();
    expect(JSON.stringify(placed)).toContain('OrderPlaced');
    expect(JSON.stringify(placed)).toContain(STREET); // the order's own data is there: the check can see it
    expect(JSON.stringify(placed)).not.toContain(TOKEN);
  });

  it('puts no token on the bus, nor in its archive', () => {
    const bridge = app.plugins.eventBridge.service!.bridge;
    const ofOrder = bridge.events.filter((e) => JSON.stringify(e.event).includes(orderId));
    expect(ofOrder.map((e) => e.event['detail-type'])).toEqual(
      expect.arrayContaining(['OrderPlaced', 'PaymentCharged', 'OrderConfirmed']),
    );
    expect(JSON.stringify(ofOrder)).not.toContain(TOKEN);
    const archived = [...bridge.registry.archives.values()].flatMap((a) =>
      a.between(0, Date.now(), Date.now()).filter((e) => JSON.stringify(e.event).includes(orderId)),
    );
    expect(archived.length).toBeGreaterThan(0);
    expect(JSON.stringify(archived)).not.toContain(TOKEN);
  });

  it("keeps no token in the saga's execution history", async () => {
    const history = JSON.stringify(await historyOf(orderId));
    expect(history).toContain(orderId);
    expect(history).not.toContain(TOKEN);
  });

  it('logs neither the token nor the street, in any function', () => {
    const ofOrder = logs.filter((line) => line.includes(orderId));
    expect(ofOrder.length).toBeGreaterThan(0); // the functions did log about this order
    expect(logs.filter((line) => line.includes(TOKEN))).toEqual([]);
    expect(logs.filter((line) => line.includes(STREET))).toEqual([]);
  });

  it('leaves no token in the vault once the charge is done', async () => {
    expect(await get(table.vault, { orderId })).toBeUndefined();
  });

  it("deletes a declined order's token too", async () => {
    const declined = (await placeOrder('decline', 'tok_decline')).orderId;
    expect((await sagaEnded(declined)).status).toBe('SUCCEEDED'); // compensated
    expect(await get(table.vault, { orderId: declined })).toBeUndefined();
    expect(logs.filter((line) => line.includes('tok_decline'))).toEqual([]);
  }, 90_000);
});
