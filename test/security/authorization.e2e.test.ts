/**
 * Who may read what, end to end on the local cloud (the real app's Merged API, resolvers and saga), with
 * ID tokens of the local user pool for two customers and a SigV4 caller that is not allow-listed:
 * - a customer subscribing to another's order receives nothing (refused, or filtered on their own id) while
 *   the owner receives its status changes;
 * - a customer cannot read another's order or order list;
 * - registerUser takes the token's verified email: another address is refused, so nobody squats one;
 * - an IAM caller outside ADMIN_ROLE_ARNS is a service without admin rights.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { orderIdFor } from '../../functions/orders/order-id.js';
import { type PoolUser, poolUser } from '../helpers/cognito.js';
import { eventually, type LocalApp, startLocalApp } from '../helpers/local-app.js';
import { readEvents } from '../helpers/sse.js';

let app: LocalApp;
const KEY = { 'x-api-key': 'local-dev-key' };
/** Signed as IAM with a key whose user is not in ADMIN_ROLE_ARNS (the local cloud checks no signature). */
const IAM = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDSTRANGER/20261204/us-east-1/appsync/aws4_request, SignedHeaders=host, Signature=0',
};
const mug = seedCatalogue.find((p) => p.sku === 'MUG-CLASSIC')!;
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

const run = randomUUID().slice(0, 8);
// Two customers of the app's user pool, signed in (real tokens, verified by the endpoint).
let ann: PoolUser;
let bob: PoolUser;
let annToken: { authorization: string };
let bobToken: { authorization: string };

interface Answer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: { errorType?: string; message: string }[];
}

async function gql(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

const ON_ORDER_UPDATED = /* GraphQL */ `
  subscription ($id: ID!, $customerId: ID) {
    onOrderUpdated(id: $id, customerId: $customerId) { id customerId status failureReason }
  }
`;

/** What a client wrote before subscriptions took a customerId: the order id alone. */
const ON_ORDER_UPDATED_BY_ID = /* GraphQL */ `
  subscription ($id: ID!) { onOrderUpdated(id: $id) { id customerId status failureReason } }
`;

/** A subscription over the local AppSync's event stream: what it received, until `close`. */
async function subscribe(
  variables: Record<string, unknown>,
  headers: Record<string, string>,
  query = variables.customerId === undefined ? ON_ORDER_UPDATED_BY_ID : ON_ORDER_UPDATED,
) {
  const controller = new AbortController();
  const response = await fetch(
    `${app.url}/graphql/subscriptions?${new URLSearchParams({
      query,
      variables: JSON.stringify(variables),
    })}`,
    { headers, signal: controller.signal },
  );
  expect(response.status).toBe(200);
  const events: { event: string; data: unknown }[] = [];
  const reading = (async () => {
    try {
      for await (const event of readEvents(response)) events.push(event);
    } catch {
      // Aborted by close().
    }
  })();
  // The subscription resolver answers first: acknowledged, or refused with an error.
  const first = await eventually(() => events[0], 30_000);
  return {
    first,
    events,
    statuses: () =>
      events
        .filter((e) => e.event === 'data')
        .map((e) => (e.data as { data: { onOrderUpdated: { status: string } } }).data.onOrderUpdated.status),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

const errorTypeOf = (event: { event: string; data: unknown }) =>
  (event.data as { errors?: { errorType?: string }[] }).errors?.[0]?.errorType;

beforeAll(async () => {
  app = await startLocalApp();
  [ann, bob] = await Promise.all([
    poolUser(app, { email: `ann-${run}@example.com` }),
    poolUser(app, { email: `bob-${run}@example.com` }),
  ]);
  annToken = { authorization: ann.idToken };
  bobToken = { authorization: bob.idToken };
  // The seed reaches orders' PriceList through the bus: placeOrder needs the mug's price.
  await eventually(async () => {
    const { data } = await gql('{ products { sku } }', {}, KEY);
    const skus = ((data?.products ?? []) as { sku: string }[]).map((p) => p.sku);
    return skus.includes(mug.sku) ? true : undefined;
  }, 60_000);
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const REGISTER = 'mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id email } }';

describe('registerUser takes the verified email of the token', () => {
  it("refuses another person's address, and registers each person with their own", async () => {
    // Bob tries to take Ann's address before she registers.
    const squat = await gql(REGISTER, { input: { name: 'Bob', email: ann.email } }, bobToken);
    expect(squat.errors?.[0]?.errorType).toBe('ForbiddenError');
    expect(squat.data?.registerUser ?? null).toBeNull();

    const eve = await poolUser(app, { email: `eve-${run}@example.com`, emailVerified: false });
    const unverified = await gql(REGISTER, { input: { name: 'Eve' } }, { authorization: eve.idToken });
    expect(unverified.errors?.[0]?.errorType).toBe('ForbiddenError');

    const annRegistered = await gql(REGISTER, { input: { name: 'Ann' } }, annToken);
    expect(annRegistered.errors).toBeUndefined();
    expect(annRegistered.data?.registerUser).toEqual({ id: ann.sub, email: ann.email });
    const bobRegistered = await gql(REGISTER, { input: { name: 'Bob', email: bob.email } }, bobToken);
    expect(bobRegistered.errors).toBeUndefined();
    expect(bobRegistered.data?.registerUser).toEqual({ id: bob.sub, email: bob.email });

    // The API key (a trusted developer) still names the address.
    const byKey = await gql(REGISTER, { input: { name: 'Dev', email: `dev-${run}@example.com` } }, KEY);
    expect(byKey.errors).toBeUndefined();
  }, 60_000);
});

describe("one customer's order, another customer", () => {
  const idempotencyKey = 'checkout-1'; // predictable on purpose: the id is then predictable too

  it("gives Ann her order's updates and Bob nothing, and lets Bob read none of it", async () => {
    const orderId = orderIdFor(ann.sub, idempotencyKey);
    // Bob knows (or guesses) the order id: subscribing to it alone (the finding) is refused at the start.
    const unfiltered = await subscribe({ id: orderId }, bobToken);
    expect(unfiltered.first.event).toBe('error');
    const mine = await subscribe({ id: orderId, customerId: ann.sub }, annToken);
    // With Ann's id too: refused.
    const asAnn = await subscribe({ id: orderId, customerId: ann.sub }, bobToken);
    // With his own id the subscription starts (the order is not placed yet) and AppSync filters on it.
    const filtered = await subscribe({ id: orderId, customerId: bob.sub }, bobToken);
    try {
      expect(mine.first.event).toBe('start_ack');
      expect(asAnn.first.event).toBe('error');
      expect(errorTypeOf(asAnn.first)).toBe('ForbiddenError');
      expect(unfiltered.first.event).toBe('error');
      expect(errorTypeOf(unfiltered.first)).toBe('ForbiddenError');
      expect(filtered.first.event).toBe('start_ack');

      const placed = await gql(
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id customerId status } }',
        {
          input: {
            customerId: ann.sub,
            items: [{ sku: mug.sku, quantity: 1 }],
            paymentToken: 'tok_visa',
            shippingAddress: address,
            idempotencyKey,
          },
        },
        annToken,
      );
      expect(placed.errors).toBeUndefined();
      expect(placed.data?.placeOrder).toMatchObject({ id: orderId, customerId: ann.sub });

      const statuses = await eventually(() => {
        const got = mine.statuses();
        return got.includes('CONFIRMED') ? got : undefined;
      }, 60_000);
      expect(statuses.slice(0, 2)).toEqual(['PENDING', 'CONFIRMED']);
      // Bob's subscriptions were open the whole time: refused ones ended, the filtered one got nothing.
      expect(asAnn.events.map((e) => e.event)).toEqual(['error']);
      expect(unfiltered.events.map((e) => e.event)).toEqual(['error']);
      expect(filtered.events.map((e) => e.event)).toEqual(['start_ack']);

      // Now that the order exists, Bob is refused even with his own id.
      const late = await subscribe({ id: orderId, customerId: bob.sub }, bobToken);
      expect(late.first.event).toBe('error');
      await late.close();
    } finally {
      await Promise.all([mine.close(), asAnn.close(), unfiltered.close(), filtered.close()]);
    }

    const ORDER = 'query ($id: ID!) { order(id: $id) { id customerId status failureReason } }';
    const own = await gql(ORDER, { id: orderId }, annToken);
    expect(own.errors).toBeUndefined();
    expect(own.data?.order).toMatchObject({ id: orderId, customerId: ann.sub });
    const stranger = await gql(ORDER, { id: orderId }, bobToken);
    expect(stranger.errors?.[0]?.errorType).toBe('ForbiddenError');
    expect(stranger.data?.order ?? null).toBeNull();
    const list = await gql(
      'query ($c: ID!) { ordersByCustomer(customerId: $c) { id } }',
      { c: ann.sub },
      bobToken,
    );
    expect(list.errors?.[0]?.errorType).toBe('ForbiddenError');
    // Ordering into Ann's stream (same id) is refused too: placeOrder is for one's own customerId.
    const intoAnns = await gql(
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
      {
        input: {
          customerId: ann.sub,
          items: [{ sku: mug.sku, quantity: 1 }],
          paymentToken: 'tok_visa',
          shippingAddress: address,
          idempotencyKey,
        },
      },
      bobToken,
    );
    expect(intoAnns.errors?.[0]?.errorType).toBe('ForbiddenError');
  }, 120_000);
});

describe('an IAM caller that is not allow-listed', () => {
  it('runs no admin operation and reads no customer data', async () => {
    const restock = await gql(
      'mutation ($input: RestockInput!) { restock(input: $input) { sku available } }',
      { input: { sku: mug.sku, quantity: 5 } },
      IAM,
    );
    expect(restock.errors?.[0]?.errorType).toBe('ForbiddenError');
    const orders = await gql(
      'query ($c: ID!) { ordersByCustomer(customerId: $c) { id } }',
      { c: ann.sub },
      IAM,
    );
    expect(orders.errors?.[0]?.errorType).toBe('ForbiddenError');
    const register = await gql(REGISTER, { input: { name: 'X', email: `x-${run}@example.com` } }, IAM);
    expect(register.errors?.[0]?.errorType).toBe('ForbiddenError');
    const subscription = await subscribe({ id: orderIdFor(ann.sub, 'checkout-1') }, IAM);
    expect(subscription.first.event).toBe('error');
    await subscription.close();
    // The API key, by design an admin on the dev stage, still restocks.
    const byKey = await gql(
      'mutation ($input: RestockInput!) { restock(input: $input) { sku } }',
      { input: { sku: mug.sku, quantity: 1 } },
      KEY,
    );
    expect(byKey.errors).toBeUndefined();
  }, 60_000);
});
