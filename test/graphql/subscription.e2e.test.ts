/**
 * onOrderUpdated on the local cloud, end to end: a client subscribes over server-sent events with the API
 * key, places a tok_visa order through placeOrder, and receives its status changes in order — published by
 * the Api stack's OrderUpdatesPublisher (a rule on order events) calling publishOrderUpdate signed as IAM.
 * A subscription for another order id receives nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { orderIdFor } from '../../functions/orders/order-id.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';
import { readEvents } from '../helpers/sse.js';

let app: LocalApp;
const KEY = { 'x-api-key': 'local-dev-key' };
const mug = seedCatalogue.find((p) => p.sku === 'MUG-CLASSIC')!;
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

const ON_ORDER_UPDATED = /* GraphQL */ `
  subscription ($id: ID!) { onOrderUpdated(id: $id) { id customerId status failureReason updatedAt } }
`;

interface Update {
  readonly id: string;
  readonly customerId: string;
  readonly status: string;
  readonly failureReason: string | null;
  readonly updatedAt: string;
}

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...KEY },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
}

/** A subscription over SSE: its updates as they arrive, until `close`. */
async function subscribe(orderId: string) {
  const controller = new AbortController();
  const response = await fetch(
    `${app.url}/graphql/subscriptions?${new URLSearchParams({
      query: ON_ORDER_UPDATED,
      variables: JSON.stringify({ id: orderId }),
    })}`,
    { headers: KEY, signal: controller.signal },
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
  await eventually(() => (events.some((e) => e.event === 'start_ack') ? true : undefined));
  return {
    events,
    updates: () =>
      events
        .filter((e) => e.event === 'data')
        .map((e) => (e.data as { data: { onOrderUpdated: Update } }).data.onOrderUpdated),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

beforeAll(async () => {
  app = await startLocalApp();
  // The seed reaches orders' PriceList through the bus: placeOrder needs the mug's price.
  await eventually(async () => {
    const { data } = await gql('{ products { sku } }');
    const skus = ((data?.products ?? []) as { sku: string }[]).map((p) => p.sku);
    return skus.includes(mug.sku) ? true : undefined;
  }, 60_000);
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

describe('onOrderUpdated(id)', () => {
  it("gives the publisher the Merged API's local URL (the model resolves GraphQLUrl to the endpoint)", () => {
    const name = physicalName(app, 'Api', 'OrderUpdatesPublisher/Function');
    expect(app.lambda.find(name).fn.environment.GRAPHQL_URL).toBe(`${app.url}/graphql`);
  });

  it('delivers a tok_visa order its status changes in order, and nothing to another order', async () => {
    const customerId = `customer-${randomUUID()}`;
    const idempotencyKey = randomUUID();
    const orderId = orderIdFor(customerId, idempotencyKey);
    const mine = await subscribe(orderId);
    const other = await subscribe(orderIdFor(customerId, randomUUID()));
    try {
      const placed = await gql(
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }',
        {
          input: {
            customerId,
            items: [{ sku: mug.sku, quantity: 1 }],
            paymentToken: 'tok_visa',
            shippingAddress: address,
            idempotencyKey,
          },
        },
      );
      expect(placed.errors).toBeUndefined();
      expect(placed.data?.placeOrder).toEqual({ id: orderId, status: 'PENDING' });

      const updates = await eventually(() => {
        const got = mine.updates();
        return got.some((u) => u.status === 'CONFIRMED') ? got : undefined;
      }, 60_000);
      const statuses = updates.map((u) => u.status);
      expect(statuses.slice(0, 2)).toEqual(['PENDING', 'CONFIRMED']);
      // Whatever follows within the test (shipping may move it on) keeps the lifecycle's order.
      const lifecycle = ['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED'];
      expect(statuses.map((s) => lifecycle.indexOf(s))).toEqual(
        [...statuses.map((s) => lifecycle.indexOf(s))].sort((a, b) => a - b),
      );
      for (const update of updates) {
        expect(update).toMatchObject({ id: orderId, customerId, failureReason: null });
        expect(Number.isNaN(Date.parse(update.updatedAt))).toBe(false);
      }
      // The other subscription was open the whole time: acknowledged, then nothing.
      expect(other.events.map((e) => e.event)).toEqual(['start_ack']);
    } finally {
      await mine.close();
      await other.close();
    }
  }, 120_000);
});
