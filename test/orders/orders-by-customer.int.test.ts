/**
 * Issue 16: `ordersByCustomer` reads OrderView's customer index (a Query, never a Scan), and
 * `ordersByCustomerPage` pages it with an opaque `nextToken` that cannot be turned on another customer's
 * orders. Real DynamoDB Local; the resolvers as Lambda runs them.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as ordersGraphql } from '../../functions/orders/handlers/graphql.js';
import {
  ORDER_VIEW_BY_CUSTOMER,
  ORDER_VIEW_TABLE_ENV,
} from '../../functions/orders/read-model/order-view.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

const context = { awsRequestId: 'req-1', functionName: 'resolver' } as unknown as Context;
const TABLE = 'order-view-by-customer';
let tables: LocalTables;

beforeAll(async () => {
  tables = await startLocalTables();
  vi.stubEnv('AWS_ENDPOINT_URL', tables.local.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv(ORDER_VIEW_TABLE_ENV, TABLE);
  const { indexName, partitionKey, sortKey } = ORDER_VIEW_BY_CUSTOMER;
  await tables.raw.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: indexName,
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  const put = (id: string, customerId: string, minute: number) =>
    tables.doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          id,
          customerId,
          status: 'PENDING',
          createdAt: `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`,
        },
      }),
    );
  for (let i = 0; i < 5; i++) await put(`ann-${i}`, 'ann-sub', i);
  for (let i = 0; i < 3; i++) await put(`bob-${i}`, 'bob-sub', 10 + i);
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await tables?.stop();
});

const customer = (sub: string) => ({
  sub,
  claims: { sub, 'cognito:groups': ['customer'], token_use: 'id' },
  groups: ['customer'],
});
const query = (fieldName: string, args: unknown, identity: unknown) =>
  ordersGraphql(
    {
      arguments: args,
      identity,
      source: null,
      info: { parentTypeName: 'Query', fieldName, selectionSetList: [] },
    },
    context,
  ) as Promise<unknown>;
type Page = { items: { id: string }[]; nextToken: string | null };
const page = (sub: string, args: Record<string, unknown>) =>
  query('ordersByCustomerPage', { customerId: sub, ...args }, customer(sub)) as Promise<Page>;

describe('ordersByCustomer on an index, paginated', () => {
  it('lists a customer’s orders newest first with a Query, never a Scan', async () => {
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    const orders = (await query('ordersByCustomer', { customerId: 'ann-sub' }, customer('ann-sub'))) as {
      id: string;
    }[];
    expect(orders.map((o) => o.id)).toEqual(['ann-4', 'ann-3', 'ann-2', 'ann-1', 'ann-0']);
    expect(send.mock.calls.some(([c]) => c instanceof ScanCommand)).toBe(false);
    send.mockRestore();
  });

  it('pages with nextToken until null, every order once', async () => {
    const first = await page('ann-sub', { limit: 2 });
    expect(first.items.map((o) => o.id)).toEqual(['ann-4', 'ann-3']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await page('ann-sub', { limit: 2, nextToken: first.nextToken });
    expect(second.items.map((o) => o.id)).toEqual(['ann-2', 'ann-1']);
    const third = await page('ann-sub', { limit: 2, nextToken: second.nextToken });
    expect(third.items.map((o) => o.id)).toEqual(['ann-0']);
    expect(third.nextToken).toBeNull();
  });

  it('refuses a token from another customer’s query, a forged one and garbage, as ValidationError', async () => {
    const ann = await page('ann-sub', { limit: 1 });
    // Bob replays Ann's token on his own list: not a token his query gave.
    await expect(page('bob-sub', { limit: 1, nextToken: ann.nextToken })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    // Bob forges a token claiming his partition but starting at Ann's order.
    const forged = Buffer.from(
      JSON.stringify({
        v: 1,
        p: 'bob-sub',
        k: { id: 'ann-4', customerId: 'ann-sub', createdAt: '2026-01-01T00:04:00.000Z' },
      }),
    ).toString('base64url');
    await expect(page('bob-sub', { nextToken: forged })).rejects.toMatchObject({ name: 'ValidationError' });
    const extra = Buffer.from(
      JSON.stringify({
        v: 1,
        p: 'bob-sub',
        k: { id: 'x', customerId: 'bob-sub', createdAt: 'z', status: 'P' },
      }),
    ).toString('base64url');
    await expect(page('bob-sub', { nextToken: extra })).rejects.toMatchObject({ name: 'ValidationError' });
    for (const junk of ['not base64!', 'e30', Buffer.from('[]').toString('base64url')]) {
      await expect(page('bob-sub', { nextToken: junk })).rejects.toMatchObject({ name: 'ValidationError' });
    }
    await expect(page('bob-sub', { limit: 1000 })).rejects.toMatchObject({ name: 'ValidationError' });
    // A token Bob got himself still works: only his orders.
    const bob = await page('bob-sub', { limit: 2 });
    const rest = await page('bob-sub', { limit: 2, nextToken: bob.nextToken });
    expect([...bob.items, ...rest.items].map((o) => o.id)).toEqual(['bob-2', 'bob-1', 'bob-0']);
  });
});
