/**
 * Issue 18, item 5 on the local cloud, through the Merged API at /graphql (API key: a trusted developer),
 * with the real app: an order whose total does not fit GraphQL's Int (a 2^31 − 1 product ordered twice) used
 * to be charged 4,294,967,294 and delivered while the client got `data: null`; two lines of 1000 of one SKU
 * were merged into 2000 after the per-line check. Both are now refused with a typed ValidationError and
 * nothing is written: no order stream, no order view, no saga, no payment. A control order placed right
 * after shows the same path does write, start a saga and charge, so the absences are not a timing accident.
 * And the app's own GraphQL limits reach the local AppSync from the synthesized template (ResolverCountLimit).
 */
import { randomUUID } from 'node:crypto';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { MAX_MONEY } from '../../functions/kernel/domain/limits.js';
import { orderIdFor } from '../../functions/orders/order-id.js';
import { loadConfig } from '../../lib/config.js';
import { type Clients, clientsFor } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let sfn: SFNClient;
let stateMachineArn: string;

interface GraphQLAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: { errorType?: string; message: string; path?: unknown }[];
}

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'local-dev-key' },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLAnswer;
}

const PLACE = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) { id status total items { sku quantity unitPrice } }
  }
`;
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const mug = seedCatalogue.find((p) => p.sku === 'MUG-CLASSIC')!;
const topSku = `TOP-${randomUUID().slice(0, 8).toUpperCase()}`;

const place = (customerId: string, idempotencyKey: string, items: { sku: string; quantity: number }[]) =>
  gql(PLACE, {
    input: { customerId, items, paymentToken: 'tok_visa', shippingAddress: address, idempotencyKey },
  });

const get = async (table: string, Key: Record<string, string>) =>
  (await clients.doc.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }))).Item;
const scanMentions = async (table: string, text: string) => {
  const { Items = [] } = await clients.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.filter((item) => JSON.stringify(item).includes(text));
};
const sagasOf = async (orderId: string) => {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  return executions.filter((e) => e.name === orderId);
};

/** What the refused order would have left behind, if anything: all empty means nothing was written. */
async function traces(orderId: string, customerId: string) {
  return {
    orderStream: await scanMentions(physicalName(app, 'Orders', 'EventStore/Table'), orderId),
    ordersByCustomer: await scanMentions(physicalName(app, 'Orders', 'EventStore/Table'), customerId),
    orderView: (await get(physicalName(app, 'Orders', 'OrderView'), { id: orderId })) ?? null,
    payments: await scanMentions(physicalName(app, 'Payments', 'EventStore/Table'), orderId),
    reservations: await scanMentions(physicalName(app, 'Inventory', 'EventStore/Table'), orderId),
    sagas: await sagasOf(orderId),
  };
}
const NOTHING = {
  orderStream: [],
  ordersByCustomer: [],
  orderView: null,
  payments: [],
  reservations: [],
  sagas: [],
};

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  sfn = new SFNClient({
    endpoint: app.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  const machine = stateMachines.find((m) => m.name?.includes('OrderFulfillment'));
  if (!machine?.stateMachineArn) throw new Error('no OrderFulfillment state machine on the local cloud');
  stateMachineArn = machine.stateMachineArn;
  await eventually(() => get(physicalName(app, 'Orders', 'PriceList'), { sku: mug.sku }), 60_000);

  // The most expensive product the catalogue takes: exactly what GraphQL's Int can show.
  const added = await gql('mutation ($input: AddProductInput!) { addProduct(input: $input) { sku price } }', {
    input: { sku: topSku, name: 'The top of the range', price: MAX_MONEY, initialStock: 10 },
  });
  expect(added.errors).toBeUndefined();
  expect(added.data?.addProduct).toEqual({ sku: topSku, price: MAX_MONEY });
  // Orders price from their own PriceList, fed by inventory's ProductAdded through the bus.
  await eventually(() => get(physicalName(app, 'Orders', 'PriceList'), { sku: topSku }), 60_000);
}, 240_000);

afterAll(async () => {
  sfn?.destroy();
  await app?.stop();
});

describe('input that cannot half-write (local cloud, /graphql)', () => {
  it('refuses an order whose total is above GraphQL Int with a ValidationError: nothing written, nothing charged', async () => {
    const customerId = `cust-${randomUUID()}`;
    const answer = await place(customerId, 'overflow-1', [{ sku: topSku, quantity: 2 }]);
    expect(answer.data).toBeNull();
    expect(answer.errors).toEqual([
      expect.objectContaining({
        errorType: 'ValidationError',
        path: ['placeOrder'],
        message: expect.stringMatching(/^VALIDATION_ERROR: .*4294967294 is above 2147483647/),
      }),
    ]);
    // Not "Int cannot represent": the order was refused before it existed, not after it was charged.
    expect(answer.errors?.[0]?.message).not.toContain('Int cannot represent');

    // A control order by the same path: it is written, starts its saga and is charged.
    const controlCustomer = `cust-${randomUUID()}`;
    const control = await place(controlCustomer, 'control-1', [{ sku: topSku, quantity: 1 }]);
    expect(control.errors).toBeUndefined();
    expect(control.data?.placeOrder).toMatchObject({ total: MAX_MONEY });
    const controlId = orderIdFor(controlCustomer, 'control-1');
    await eventually(async () => ((await sagasOf(controlId)).length ? true : undefined), 30_000);
    await eventually(async () => {
      const charged = await scanMentions(physicalName(app, 'Payments', 'EventStore/Table'), controlId);
      return charged.length ? charged : undefined;
    }, 30_000);

    // By now the refused order would have had the same; it has nothing.
    expect(await traces(orderIdFor(customerId, 'overflow-1'), customerId)).toEqual(NOTHING);
    // The customer's orders still list (the finding: ordersByCustomer failed for ever after).
    const list = await gql('query ($c: ID!) { ordersByCustomer(customerId: $c) { id total } }', {
      c: customerId,
    });
    expect(list).toEqual({ data: { ordersByCustomer: [] } });
  }, 90_000);

  it('refuses two lines of 1000 of one SKU (2000 once merged) with a ValidationError; nothing written', async () => {
    const customerId = `cust-${randomUUID()}`;
    const answer = await place(customerId, 'dupes-1', [
      { sku: mug.sku, quantity: 1000 },
      { sku: mug.sku, quantity: 1000 },
    ]);
    expect(answer.data).toBeNull();
    expect(answer.errors).toEqual([
      expect.objectContaining({
        errorType: 'ValidationError',
        message: expect.stringContaining(`${mug.sku}: 2000 after merging`),
      }),
    ]);
    expect(await traces(orderIdFor(customerId, 'dupes-1'), customerId)).toEqual(NOTHING);
  });

  it('refuses more distinct SKUs than one stock reservation holds, up front', async () => {
    const customerId = `cust-${randomUUID()}`;
    const items = Array.from({ length: 100 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
    const answer = await place(customerId, 'wide-1', items);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        errorType: 'ValidationError',
        message: expect.stringContaining('at most 99'),
      }),
    ]);
    expect(await traces(orderIdFor(customerId, 'wide-1'), customerId)).toEqual(NOTHING);
  });

  it("enforces the template's resolver count: 101 aliases run 100 resolvers, the last fails", async () => {
    const { resolverCountLimit } = loadConfig({ STAGE: 'dev' }).stageDefaults.graphqlLimits;
    const aliases = Array.from(
      { length: resolverCountLimit + 1 },
      (_, i) => `a${i}: product(sku: "${mug.sku}") { sku }`,
    );
    const answer = await gql(`{ ${aliases.join(' ')} }`);
    const data = answer.data as Record<string, { sku: string } | null>;
    expect(Object.values(data).filter((p) => p?.sku === mug.sku)).toHaveLength(resolverCountLimit);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        errorType: 'ResolverExecutionLimitReached',
        path: [`a${resolverCountLimit}`],
      }),
    ]);
  });

  it('refuses control characters in an address line with a ValidationError', async () => {
    const customerId = `cust-${randomUUID()}`;
    const answer = await gql(PLACE, {
      input: {
        customerId,
        items: [{ sku: mug.sku, quantity: 1 }],
        paymentToken: 'tok_visa',
        shippingAddress: { ...address, line1: '1 Main St\u001b[2J' },
        idempotencyKey: 'ctl-1',
      },
    });
    expect(answer.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('control characters'),
    });
    expect(await traces(orderIdFor(customerId, 'ctl-1'), customerId)).toEqual(NOTHING);
  });
});
