import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { OrderResult } from '../../functions/orders/handlers/commands.js';
import type { ReviewResult } from '../../functions/reviews/handlers/commands.js';
import { invocationCount, ranTimes, redeliver } from '../helpers/bus.js';
import { type Clients, clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import {
  disableRulesOf,
  eventually,
  type LocalApp,
  physicalName,
  startLocalApp,
} from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let store: EventStore;
let ratings: string;
let reviewable: string;

const [mug, tee] = seedCatalogue;
const customer = 'cust-review-1';
const asCustomer = { type: 'user', id: customer };
const saga = { type: 'service', id: 'saga' };

beforeAll(async () => {
  app = await startLocalApp();
  // This file drives orders through their commands by hand; a fulfillment saga started by each OrderPlaced
  // would race it for the same orders (the saga's own e2e covers that flow).
  await disableRulesOf(app, 'Sagas');
  clients = clientsFor(app);
  store = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Reviews', 'EventStore/Table'),
  });
  ratings = physicalName(app, 'Reviews', 'ProductRating');
  reviewable = physicalName(app, 'Reviews', 'ReviewableOrders');
  const priceList = physicalName(app, 'Orders', 'PriceList');
  for (const { sku } of [mug!, tee!]) await eventually(() => get(priceList, { sku }));
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const get = async (TableName: string, Key: Record<string, string>) =>
  (await clients.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
const orders = (command: unknown, actor: unknown = saga) =>
  invoke(app, clients.lambda, 'Orders', 'Commands', { command, actor });
const submit = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  invoke(app, clients.lambda, 'Reviews', 'Commands', {
    command: { type: 'SubmitReview', data },
    actor: asCustomer,
    ...extra,
  });
const streamOf = async (streamId: string) => (await store.load(streamId)).events as DomainEvent[];
/** Reviews' copy of the order, once it has seen what `probe` waits for. */
const reviewableOrder = (orderId: string, probe: (item: Record<string, unknown>) => boolean = () => true) =>
  eventually(async () => {
    const item = await get(reviewable, { orderId });
    return item && probe(item) ? item : undefined;
  });

describe('SubmitReview', () => {
  let orderId: string;

  beforeAll(async () => {
    const placed = succeeded<OrderResult>(
      await orders(
        {
          type: 'PlaceOrder',
          data: {
            customerId: customer,
            items: [{ sku: mug!.sku, quantity: 1 }],
            shippingAddress: { line1: '2 High St', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
            paymentToken: 'tok_visa',
            idempotencyKey: 'review-order-1',
          },
        },
        asCustomer,
      ),
    );
    orderId = placed.result.orderId;
    await reviewableOrder(orderId);
  });

  it('refuses a review of an order not delivered yet (BusinessRuleError), nothing written', async () => {
    const out = await submit({ orderId, sku: mug!.sku, rating: 5, comment: 'Lovely' });
    expect(out).toMatchObject({ ok: false, errorType: 'BusinessRuleError' });
    expect(!out.ok && out.errorMessage).toContain('not delivered');
    expect(await streamOf(`review#${orderId}#${mug!.sku}`)).toEqual([]);
  });

  it('refuses an order reviews never saw (NotFoundError) and a rating of 6 (ValidationError)', async () => {
    expect(await submit({ orderId: 'no-such-order', sku: mug!.sku, rating: 4, comment: '' })).toMatchObject({
      ok: false,
      errorType: 'NotFoundError',
    });
    expect(await submit({ orderId, sku: mug!.sku, rating: 6, comment: '' })).toMatchObject({
      ok: false,
      errorType: 'ValidationError',
    });
    expect(await streamOf(`review#no-such-order#${mug!.sku}`)).toEqual([]);
  });

  it('accepts a review of a delivered order by its customer, once per order and SKU; ProductRating follows', async () => {
    succeeded(
      await orders({ type: 'ConfirmOrder', data: { orderId, paymentId: 'pay-r1', shipmentId: 'ship-r1' } }),
    );
    succeeded(
      await orders({
        type: 'ShipOrder',
        data: { orderId, shipmentId: 'ship-r1', carrier: 'DHL', trackingNumber: 'JD1' },
      }),
    );
    succeeded(
      await orders({
        type: 'DeliverOrder',
        data: { orderId, shipmentId: 'ship-r1', deliveredAt: '2026-11-24T09:00:00.000Z' },
      }),
    );
    await reviewableOrder(orderId, (item) => item.delivered === true);

    // Not the customer: refused before anything about the order is revealed.
    expect(
      await submit(
        { orderId, sku: mug!.sku, rating: 1, comment: 'x' },
        { actor: { type: 'user', id: 'someone-else' } },
      ),
    ).toMatchObject({ ok: false, errorType: 'ForbiddenError' });
    // A SKU the order does not have.
    expect(await submit({ orderId, sku: tee!.sku, rating: 4, comment: '' })).toMatchObject({
      ok: false,
      errorType: 'BusinessRuleError',
    });

    const accepted = succeeded<ReviewResult>(
      await submit(
        { orderId, sku: mug!.sku, rating: 4, comment: '  Solid mug  ' },
        { commandId: 'review-cmd-1' },
      ),
    );
    expect(accepted.result).toMatchObject({
      reviewId: 'review-cmd-1',
      orderId,
      customerId: customer,
      sku: mug!.sku,
      rating: 4,
      comment: 'Solid mug',
    });
    expect(accepted.events).toEqual([
      expect.objectContaining({
        type: 'ReviewSubmitted',
        streamId: `review#${orderId}#${mug!.sku}`,
        streamVersion: 1,
      }),
    ]);

    // The same invocation retried is the same review; another review of that order and SKU is refused.
    const retried = succeeded<ReviewResult>(
      await submit(
        { orderId, sku: mug!.sku, rating: 4, comment: 'Solid mug' },
        { commandId: 'review-cmd-1' },
      ),
    );
    expect(retried.events).toEqual([]);
    expect(retried.result).toEqual(accepted.result);
    expect(await submit({ orderId, sku: mug!.sku, rating: 2, comment: 'changed my mind' })).toMatchObject({
      ok: false,
      errorType: 'BusinessRuleError',
    });
    expect(await streamOf(`review#${orderId}#${mug!.sku}`)).toHaveLength(1);

    const rating = await eventually(() => get(ratings, { sku: mug!.sku }));
    expect(rating).toMatchObject({ sku: mug!.sku, count: 1, average: 4, ratingSum: 4 });

    // ReviewSubmitted delivered again: still one review in the rating.
    const runs = invocationCount(app, 'Reviews', 'Projector');
    await redeliver(app, accepted.events[0]!.eventId);
    await ranTimes(app, 'Reviews', 'Projector', runs + 1);
    expect(await get(ratings, { sku: mug!.sku })).toMatchObject({ count: 1, average: 4, _rev: 1 });
  });
});
