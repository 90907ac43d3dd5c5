import { createHash } from 'node:crypto';
import { id } from '../../kernel/events/primitives.js';
import {
  actorOf,
  field,
  functionFromEnv,
  getView,
  graphqlHandler,
  noArgs,
  pageArgs,
  readClient,
  scanPage,
  scanView,
  tableFromEnv,
} from '../../kernel/graphql/index.js';
import * as z from '../../kernel/zod.js';
import { AddProduct, Restock } from '../domain/product/commands.js';
import { PRODUCT_VIEW_TABLE_ENV } from '../read-model/product-view.js';
import type { InventoryResult } from './commands.js';

/**
 * The catalogue source API's resolvers: `products`, `productsPage` (a bounded Scan page and a `nextToken`) and
 * `product(sku)` from ProductView; `addProduct` and `restock` for admins, through inventory's Commands (a
 * refusal is audited).
 */
const addProductInput = z.extend(z.omit(AddProduct.shape.data, { description: true, currency: true }), {
  currency: z._default(AddProduct.shape.data.shape.currency, 'USD'),
});

const db = (ctx: { tools: { captureClient<C>(c: C): C } }) => readClient((c) => ctx.tools.captureClient(c));
const productTable = () => tableFromEnv(PRODUCT_VIEW_TABLE_ENV);

/** A client's retry of `restock` with the same key adds the units once (the command id names the claim). */
const restockInput = z.extend(Restock.shape.data, { idempotencyKey: z.optional(id) });

const scopedKey = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 40);

async function command(
  ctx: Parameters<Parameters<typeof field>[1]>[1],
  type: string,
  data: unknown,
  commandId?: string,
) {
  const actor = actorOf(ctx.caller);
  const { result } = await ctx.invoker.invoke<InventoryResult>(
    functionFromEnv('INVENTORY_COMMANDS_FUNCTION'),
    { type, data },
    actor,
    // Scoped to the caller: one admin's key cannot collide with (and so swallow) another's restock.
    commandId ? { commandId: `${type}-${scopedKey(`${actor.type}/${actor.id}/${commandId}`)}` } : {},
  );
  if (!('product' in result)) throw new Error(`${type} answered without a product`);
  return result.product;
}

export const handler = graphqlHandler({
  service: 'inventory',
  fields: {
    'Query.products': field(noArgs, async (_args, ctx) => {
      const items = await scanView(db(ctx), productTable());
      return items.sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
    }),
    // ProductView is keyed by SKU alone (no index to Query): a Scan with Limit reads one page, in table order.
    'Query.productsPage': field(z.strictObject(pageArgs), async ({ limit, nextToken }, ctx) =>
      scanPage(db(ctx), {
        table: productTable(),
        scope: 'products',
        keyAttributes: ['sku'],
        limit,
        nextToken,
      }),
    ),
    'Query.product': field(z.strictObject({ sku: AddProduct.shape.data.shape.sku }), async ({ sku }, ctx) => {
      return (await getView(db(ctx), productTable(), { sku })) ?? null;
    }),
    'Mutation.addProduct': field(z.strictObject({ input: addProductInput }), async ({ input }, ctx) => {
      await ctx.requireAdmin(`product/${input.sku}`);
      return command(ctx, 'AddProduct', input);
    }),
    'Mutation.restock': field(z.strictObject({ input: restockInput }), async ({ input }, ctx) => {
      await ctx.requireAdmin(`product/${input.sku}`);
      const { idempotencyKey, ...data } = input;
      return command(ctx, 'Restock', data, idempotencyKey);
    }),
  },
});
