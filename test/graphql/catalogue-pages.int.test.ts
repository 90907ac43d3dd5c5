/**
 * Issue 16: `productsPage` and `productReviewsPage` paginate as `ordersByCustomerPage` does: every item on
 * exactly one page, an opaque `nextToken` that a forged, foreign or garbled value cannot replace, a page size
 * limit. Products: one bounded Scan page per call (ProductView has no index to Query). Reviews: one key read of
 * the product's ProductRating item, cut by review id. Real DynamoDB Local; the resolvers as Lambda runs them.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as inventoryGraphql } from '../../functions/inventory/handlers/graphql.js';
import { PRODUCT_VIEW_TABLE_ENV } from '../../functions/inventory/read-model/product-view.js';
import { handler as reviewsGraphql } from '../../functions/reviews/handlers/graphql.js';
import { PRODUCT_RATING_TABLE_ENV } from '../../functions/reviews/read-model/product-rating.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

const context = { awsRequestId: 'req-1', functionName: 'resolver' } as unknown as Context;
const SKUS = Array.from({ length: 7 }, (_, i) => `SKU-${i}`);
const REVIEWS = ['r-a', 'r-b', 'r-c', 'r-d', 'r-e'];
let tables: LocalTables;

beforeAll(async () => {
  tables = await startLocalTables();
  vi.stubEnv('AWS_ENDPOINT_URL', tables.local.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  const products = await tables.keyedTable('product-view', 'sku');
  const ratings = await tables.keyedTable('product-rating', 'sku');
  vi.stubEnv(PRODUCT_VIEW_TABLE_ENV, products);
  vi.stubEnv(PRODUCT_RATING_TABLE_ENV, ratings);
  for (const sku of SKUS)
    await tables.doc.send(
      new PutCommand({
        TableName: products,
        Item: { sku, name: sku, price: 100, currency: 'USD', available: 1, reserved: 0 },
      }),
    );
  const rated = (ids: string[]) =>
    Object.fromEntries(ids.map((id) => [id, { rating: 4, eventId: `e-${id}`, streamVersion: 1 }]));
  await tables.doc.send(
    new PutCommand({ TableName: ratings, Item: { sku: 'MUG', count: 5, reviews: rated(REVIEWS) } }),
  );
  await tables.doc.send(
    new PutCommand({ TableName: ratings, Item: { sku: 'TEE', count: 1, reviews: rated(['r-z']) } }),
  );
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await tables?.stop();
});

// No identity: the API key, as AppSync passes it.
const run = (handler: typeof inventoryGraphql, fieldName: string, args: unknown) =>
  handler(
    {
      arguments: args,
      identity: null,
      source: null,
      info: { parentTypeName: 'Query', fieldName, selectionSetList: [] },
    },
    context,
  ) as Promise<Page>;
type Page = { items: { sku: string; id?: string }[]; nextToken: string | null };
const productsPage = (args: Record<string, unknown>) => run(inventoryGraphql, 'productsPage', args);
const reviewsPage = (args: Record<string, unknown>) => run(reviewsGraphql, 'productReviewsPage', args);

/** Every page until the token is null. */
async function all(page: (args: Record<string, unknown>) => Promise<Page>, args: Record<string, unknown>) {
  const pages: Page[] = [];
  let nextToken: string | null = null;
  do {
    const current: Page = await page({ ...args, nextToken });
    pages.push(current);
    nextToken = current.nextToken;
  } while (nextToken && pages.length < 20);
  return pages;
}

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const junk = ['not base64!', 'e30', token([]), token({ v: 2, p: 'products', k: { sku: 'SKU-1' } })];

describe('productsPage', () => {
  it('covers the catalogue once, page by page, each page one Scan with a Limit', async () => {
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    const pages = await all(productsPage, { limit: 3 });
    const scans = send.mock.calls.map(([command]) => command).filter((c) => c instanceof ScanCommand);
    send.mockRestore();
    const skus = pages.flatMap((p) => p.items.map((item) => item.sku));
    expect(skus.sort()).toEqual([...SKUS].sort());
    expect(pages.every((p) => p.items.length <= 3)).toBe(true);
    expect(scans).toHaveLength(pages.length);
    expect(scans.every((scan) => scan.input.Limit === 3)).toBe(true);
  });

  it('refuses a forged or foreign token and a page past the limit, as ValidationError', async () => {
    const reviewToken = (await reviewsPage({ sku: 'MUG', limit: 1 })).nextToken;
    const forged = token({ v: 1, p: 'products', k: { sku: 'SKU-1', name: 'x' } });
    for (const nextToken of [reviewToken, forged, ...junk])
      await expect(productsPage({ nextToken })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(productsPage({ limit: 101 })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(productsPage({ limit: 0 })).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('productReviewsPage', () => {
  it("covers a product's reviews once, by review id, with one key read per page", async () => {
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    const pages = await all(reviewsPage, { sku: 'MUG', limit: 2 });
    const commands = send.mock.calls.map(([command]) => command);
    send.mockRestore();
    expect(pages.map((p) => p.items.map((r) => r.id))).toEqual([['r-a', 'r-b'], ['r-c', 'r-d'], ['r-e']]);
    expect(pages.flatMap((p) => p.items).every((r) => r.sku === 'MUG')).toBe(true);
    expect(commands.every((c) => c instanceof GetCommand)).toBe(true);
    expect(commands).toHaveLength(pages.length);
    // An exact fit ends with a null token, not an empty last page.
    const exact = await reviewsPage({ sku: 'MUG', limit: 5 });
    expect(exact.items).toHaveLength(5);
    expect(exact.nextToken).toBeNull();
    expect(await reviewsPage({ sku: 'NONE' })).toEqual({ items: [], nextToken: null });
  });

  it("refuses another product's token, a forged one and garbage, as ValidationError", async () => {
    const mug = await reviewsPage({ sku: 'MUG', limit: 1 });
    await expect(reviewsPage({ sku: 'TEE', nextToken: mug.nextToken })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    const products = (await productsPage({ limit: 1 })).nextToken;
    const forged = token({ v: 1, p: 'reviews/TEE', k: { after: 'r-a', sku: 'MUG' } });
    for (const nextToken of [products, forged, ...junk])
      await expect(reviewsPage({ sku: 'TEE', nextToken })).rejects.toMatchObject({
        name: 'ValidationError',
      });
    await expect(reviewsPage({ sku: 'MUG', limit: 1000 })).rejects.toMatchObject({ name: 'ValidationError' });
    // Its own token still works.
    const rest = await reviewsPage({ sku: 'MUG', limit: 10, nextToken: mug.nextToken });
    expect(rest.items.map((r) => r.id)).toEqual(['r-b', 'r-c', 'r-d', 'r-e']);
  });
});
