/**
 * The Merged API on the local cloud, end to end: the real app's source APIs merged at start-up, served at
 * /graphql with the API key (a trusted developer), resolvers running the bundled functions against the
 * services' read models and Commands, the fulfillment saga confirming a tok_visa order.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { orderIdFor } from '../../functions/orders/order-id.js';
import { poolUser } from '../helpers/cognito.js';
import { type Clients, clientsFor } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;

interface GraphQLAnswer {
  readonly status: number;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: { errorType?: string; message: string }[];
}

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = { 'x-api-key': 'local-dev-key' },
): Promise<GraphQLAnswer> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const mug = seedCatalogue.find((p) => p.sku === 'MUG-CLASSIC')!;

const PLACE = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) { id customerId status total items { sku quantity unitPrice } }
  }
`;

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  // The seed reaches ProductView (and orders' PriceList) through the bus.
  await eventually(async () => {
    const { data } = await gql('{ products { sku } }');
    const skus = ((data?.products ?? []) as { sku: string }[]).map((p) => p.sku);
    return seedCatalogue.every((p) => skus.includes(p.sku)) ? true : undefined;
  }, 60_000);
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

describe('the Merged API on the local cloud (API key: a trusted developer)', () => {
  it('refuses a request without a key', async () => {
    const answer = await gql('{ products { sku } }', {}, {});
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.errorType).toBe('UnauthorizedException');
  });

  it('lists the seeded catalogue with stock and a rating from the reviews source API', async () => {
    const { data, errors } = await gql('{ products { sku name price available reserved rating { count } } }');
    expect(errors).toBeUndefined();
    const products = data?.products as { sku: string; price: number; rating: { count: number } }[];
    expect(products.find((p) => p.sku === mug.sku)).toMatchObject({ price: mug.price, rating: { count: 0 } });
    const one = await gql('query ($sku: ID!) { product(sku: $sku) { sku name } }', { sku: mug.sku });
    expect(one.data?.product).toEqual({ sku: mug.sku, name: mug.name });
  });

  it('registers a user, places an order the saga confirms, and reads it with its customer and payment', async () => {
    const email = `gql-${randomUUID()}@example.com`;
    const registered = await gql(
      'mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id email name status } }',
      { input: { email, name: 'Grace Hopper' } },
    );
    expect(registered.errors).toBeUndefined();
    const user = registered.data?.registerUser as { id: string; email: string };
    expect(user).toMatchObject({ email, name: 'Grace Hopper', status: 'ACTIVE' });

    const placed = await gql(PLACE, {
      input: {
        customerId: user.id,
        items: [{ sku: mug.sku, quantity: 2 }],
        paymentToken: 'tok_visa',
        shippingAddress: address,
        idempotencyKey: randomUUID(),
      },
    });
    expect(placed.errors).toBeUndefined();
    const order = placed.data?.placeOrder as { id: string; total: number; status: string };
    expect(order).toMatchObject({ customerId: user.id, status: 'PENDING', total: mug.price * 2 });

    const read = await eventually(async () => {
      const { data, errors } = await gql(
        `query ($id: ID!) { order(id: $id) {
             id status total failureReason createdAt updatedAt
             customer { id email }
             payment { status amount refundedAmount }
           } }`,
        { id: order.id },
      );
      expect(errors).toBeUndefined();
      const found = data?.order as { status: string; payment: unknown } | null;
      return found && found.status !== 'PENDING' && found.payment ? found : undefined;
    }, 60_000);
    expect(['CONFIRMED', 'SHIPPED', 'DELIVERED']).toContain(read.status);
    expect(read).toMatchObject({
      id: order.id,
      total: mug.price * 2,
      failureReason: null,
      customer: { id: user.id, email },
      payment: { status: 'CHARGED', amount: mug.price * 2, refundedAmount: 0 },
    });
  }, 120_000);

  it('places one order for the same idempotencyKey twice', async () => {
    const customerId = `customer-${randomUUID()}`;
    const input = {
      customerId,
      items: [{ sku: mug.sku, quantity: 1 }],
      paymentToken: 'tok_visa',
      shippingAddress: address,
      idempotencyKey: 'checkout-1',
    };
    const first = await gql(PLACE, { input });
    const second = await gql(PLACE, { input });
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    const id = (first.data?.placeOrder as { id: string } | undefined)?.id;
    expect(id).toBe(orderIdFor(customerId, 'checkout-1'));
    expect((second.data?.placeOrder as { id: string } | undefined)?.id).toBe(id);
    const listed = await eventually(async () => {
      const { data } = await gql('query ($c: ID!) { ordersByCustomer(customerId: $c) { id } }', {
        c: customerId,
      });
      const orders = data?.ordersByCustomer as { id: string }[];
      return orders.length ? orders : undefined;
    });
    // Give a second order time to show up if one had been placed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const again = await gql('query ($c: ID!) { ordersByCustomer(customerId: $c) { id } }', { c: customerId });
    expect(listed).toEqual([{ id }]);
    expect(again.data?.ordersByCustomer).toEqual([{ id }]);
  }, 60_000);

  it('answers invalid input with a coded error and creates nothing', async () => {
    const customerId = `customer-${randomUUID()}`;
    const answer = await gql(PLACE, {
      input: {
        customerId,
        items: [{ sku: mug.sku, quantity: 0 }],
        paymentToken: 'tok_visa',
        shippingAddress: address,
        idempotencyKey: 'bad-1',
      },
    });
    expect(answer.errors?.[0]?.errorType).toBe('ValidationError');
    expect(answer.errors?.[0]?.message).toMatch(/^VALIDATION_ERROR: input\.items\.0\.quantity/);
    const badEmail = await gql(
      'mutation { registerUser(input: { email: "not-an-email", name: "X" }) { id } }',
    );
    expect(badEmail.errors?.[0]?.errorType).toBe('ValidationError');

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const read = await gql('query ($id: ID!) { order(id: $id) { id } }', {
      id: orderIdFor(customerId, 'bad-1'),
    });
    expect(read.data?.order).toBeNull();
    const orders = await clients.doc.send(
      new ScanCommand({ TableName: physicalName(app, 'Orders', 'EventStore/Table') }),
    );
    expect(JSON.stringify(orders.Items ?? [])).not.toContain(customerId);
  });

  it('refuses an admin mutation to a non-admin user and records the denial', async () => {
    // A customer of the app's user pool, signed in: a real token the endpoint verifies.
    const { sub, idToken: token } = await poolUser(app, { email: `user-${randomUUID()}@example.com` });
    const answer = await gql(
      'mutation ($input: RestockInput!) { restock(input: $input) { sku available } }',
      { input: { sku: mug.sku, quantity: 5 } },
      { authorization: token },
    );
    expect(answer.errors?.[0]?.errorType).toBe('ForbiddenError');
    const audited = await eventually(async () => {
      const { Items = [] } = await clients.doc.send(
        new ScanCommand({ TableName: physicalName(app, 'Security', 'EventStore/Table') }),
      );
      return Items.find((item) => JSON.stringify(item).includes(sub));
    });
    expect(JSON.stringify(audited)).toContain('SecurityAuditRecorded');
    expect(JSON.stringify(audited)).toContain('Mutation.restock');

    // A customer reads their own orders only: another customer's list is refused too.
    const other = await gql(
      'query { ordersByCustomer(customerId: "someone-else") { id } }',
      {},
      { authorization: token },
    );
    expect(other.errors?.[0]?.errorType).toBe('ForbiddenError');
  });

  it('serves sagaStats from analytics', async () => {
    const { data, errors } = await gql('{ sagaStats { started succeeded compensated failed } }');
    expect(errors).toBeUndefined();
    expect(data?.sagaStats).toMatchObject({ started: expect.any(Number) });
  });
});
