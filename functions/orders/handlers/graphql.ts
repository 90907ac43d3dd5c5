import { id } from '../../kernel/events/primitives.js';
import {
  actorOf,
  field,
  functionFromEnv,
  getView,
  graphqlHandler,
  type IndexQuery,
  isAdmin,
  pageArgs,
  queryAll,
  queryPage,
  readClient,
  tableFromEnv,
} from '../../kernel/graphql/index.js';
import * as z from '../../kernel/zod.js';
import { PlaceOrder } from '../domain/index.js';
import { orderIdFor } from '../order-id.js';
import { ORDER_VIEW_BY_CUSTOMER, ORDER_VIEW_TABLE_ENV } from '../read-model/order-view.js';
import type { OrderResult } from './commands.js';

/**
 * The orders source API's resolvers: `placeOrder` through orders' Commands, `order(id)` and
 * `ordersByCustomer` (all) and `ordersByCustomerPage` (a page and a `nextToken`) from OrderView's customer
 * index, newest first. A customer reads and places only their own
 * orders; anyone else is denied and audited. `publishOrderUpdate` (IAM only) echoes a status change so
 * `onOrderUpdated` subscribers get it. `Subscription.onOrderUpdated` runs when a client subscribes (AppSync
 * runs a subscription's resolver once, at the start; an error refuses the subscription): a customer must
 * subscribe with their own `customerId`, which AppSync then matches against every update, so an order id
 * guessed or leaked delivers nothing of another customer's.
 */
// The command's own schemas: lines merged by SKU then limited, address lines and token as checked text.
const { items, shippingAddress, paymentToken } = PlaceOrder.shape.data.shape;
const placeOrderInput = z.strictObject({
  customerId: id,
  items,
  paymentToken,
  shippingAddress,
  idempotencyKey: id,
});

const statusEnum = z.enum(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED']);

const db = (ctx: { tools: { captureClient<C>(c: C): C } }) => readClient((c) => ctx.tools.captureClient(c));
const orderTable = () => tableFromEnv(ORDER_VIEW_TABLE_ENV);

/** A customer's orders, newest first, from OrderView's customer index. */
const byCustomer = (customerId: string): IndexQuery => ({
  table: orderTable(),
  index: ORDER_VIEW_BY_CUSTOMER.indexName,
  partitionKey: ORDER_VIEW_BY_CUSTOMER.partitionKey,
  value: customerId,
  keyAttributes: ['id', ORDER_VIEW_BY_CUSTOMER.partitionKey, ORDER_VIEW_BY_CUSTOMER.sortKey],
});

/** An order as GraphQL shows it: the view when the projector has it, else the command's answer. */
function fromResult(result: OrderResult, issuedAt: string) {
  return {
    ...result,
    id: result.orderId,
    failureReason: result.status === 'CANCELLED' ? result.failureReason : null,
    createdAt: issuedAt,
    updatedAt: issuedAt,
  };
}

export const handler = graphqlHandler({
  service: 'orders',
  fields: {
    'Mutation.placeOrder': field(z.strictObject({ input: placeOrderInput }), async ({ input }, ctx) => {
      await ctx.requireSelfOrAdmin(input.customerId, `customer/${input.customerId}/orders`);
      const { result, events } = await ctx.invoker.invoke<OrderResult>(
        functionFromEnv('ORDERS_COMMANDS_FUNCTION'),
        { type: 'PlaceOrder', data: input },
        actorOf(ctx.caller),
      );
      const issuedAt = ctx.tools.clock().toISOString();
      // Placed now: its view is not projected yet (no read for it). A repeated idempotencyKey appends nothing
      // and lands on the existing order, whose view has the real timestamps.
      if (events.length > 0) return fromResult(result, issuedAt);
      const view = await getView(db(ctx), orderTable(), {
        id: orderIdFor(input.customerId, input.idempotencyKey),
      });
      return view ?? fromResult(result, issuedAt);
    }),
    'Query.order': field(z.strictObject({ id }), async ({ id: orderId }, ctx) => {
      const view = await getView(db(ctx), orderTable(), { id: orderId });
      if (!view) return null;
      await ctx.requireSelfOrAdmin(String(view.customerId), `order/${orderId}`);
      return view;
    }),
    'Query.ordersByCustomer': field(z.strictObject({ customerId: id }), async ({ customerId }, ctx) => {
      await ctx.requireSelfOrAdmin(customerId, `customer/${customerId}/orders`);
      return queryAll(db(ctx), byCustomer(customerId));
    }),
    'Query.ordersByCustomerPage': field(
      z.strictObject({ customerId: id, ...pageArgs }),
      async ({ customerId, limit, nextToken }, ctx) => {
        // Authorized on the argument, and the Query reads only that partition: a token cannot widen it.
        await ctx.requireSelfOrAdmin(customerId, `customer/${customerId}/orders`);
        return queryPage(db(ctx), { ...byCustomer(customerId), limit, nextToken });
      },
    ),
    'Subscription.onOrderUpdated': field(
      z.strictObject({ id, customerId: z.nullish(id) }),
      async ({ id: orderId, customerId }, ctx) => {
        if (isAdmin(ctx.caller)) return null;
        // Not given, AppSync's argument filter would deliver every customer's updates of that id.
        await ctx.requireSelfOrAdmin(customerId ?? '', `order/${orderId}`);
        // Already placed by someone else: refused now rather than a silent, empty subscription.
        const view = await getView(db(ctx), orderTable(), { id: orderId });
        if (view) await ctx.requireSelfOrAdmin(String(view.customerId), `order/${orderId}`);
        return null;
      },
    ),
    'Mutation.publishOrderUpdate': field(
      z.strictObject({
        input: z.strictObject({
          id,
          customerId: id,
          status: statusEnum,
          failureReason: z.nullish(z.string().check(z.maxLength(1000))),
          updatedAt: z.string().check(z.minLength(1)),
        }),
      }),
      async ({ input }, ctx) => {
        if (ctx.caller.kind !== 'service') await ctx.requireAdmin(`order/${input.id}`);
        return input;
      },
    ),
  },
});
