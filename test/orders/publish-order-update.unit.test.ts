/**
 * The onOrderUpdated publisher's handler over a mocked DynamoDB and a stubbed fetch: it publishes each status
 * change, and reads an order's customer from OrderView once per warm environment at most; an OrderPlaced's
 * customer is used for that event alone, never remembered for the order's later statuses.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/orders/handlers/publish-order-update.js';
import { anEnvelope, eventBridgeEvent, fakeLambdaContext, orderPlacedV2 } from '../helpers/events.js';

const ddb = mockClient(DynamoDBDocumentClient);
const published: { id: string; customerId: string; status: string }[] = [];

beforeAll(() => {
  vi.stubEnv('GRAPHQL_URL', 'http://127.0.0.1:9/graphql');
  vi.stubEnv('ORDER_VIEW_TABLE', 'order-view');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKID');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const { variables } = JSON.parse(String(init.body)) as { variables: { input: (typeof published)[0] } };
    published.push(variables.input);
    return new Response(JSON.stringify({ data: { publishOrderUpdate: variables.input } }), { status: 200 });
  });
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});
beforeEach(() => {
  ddb.reset();
  published.length = 0;
});

const confirmed = (orderId: string) =>
  eventBridgeEvent(
    anEnvelope({
      type: 'OrderConfirmed',
      source: 'orders',
      streamId: orderId,
      data: { orderId, paymentId: 'p-1', shipmentId: 's-1' },
    }),
  );

describe('the order update publisher', () => {
  it('takes the customer of OrderPlaced for PENDING only: the next status reads OrderView', async () => {
    ddb.on(GetCommand).resolves({ Item: { id: 'order-77', customerId: 'user-from-view' } });
    const placed = orderPlacedV2({ streamId: 'order-77' });
    (placed.data as { orderId: string }).orderId = 'order-77';
    await handler(eventBridgeEvent(placed), fakeLambdaContext());
    await handler(confirmed('order-77'), fakeLambdaContext());
    expect(published.map(({ id, customerId, status }) => [id, customerId, status])).toEqual([
      ['order-77', 'user-1', 'PENDING'],
      ['order-77', 'user-from-view', 'CONFIRMED'],
    ]);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('reads the customer of an order it has not seen once, then remembers it', async () => {
    ddb.on(GetCommand).resolves({ Item: { id: 'order-88', customerId: 'bob' } });
    await handler(confirmed('order-88'), fakeLambdaContext());
    await handler(confirmed('order-88'), fakeLambdaContext());
    expect(published.map((p) => p.customerId)).toEqual(['bob', 'bob']);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('fails (so the rule retries) while OrderView does not have the order, and reads again next time', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(handler(confirmed('order-99'), fakeLambdaContext())).rejects.toMatchObject({
      code: 'ORDER_NOT_PROJECTED',
    });
    await expect(handler(confirmed('order-99'), fakeLambdaContext())).rejects.toMatchObject({
      code: 'ORDER_NOT_PROJECTED',
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
    expect(published).toEqual([]);
  });
});
