import * as z from 'zod';
import { address, id, quantity, sku } from '../../kernel/events/primitives.js';
import {
  actorOf,
  field,
  functionFromEnv,
  getView,
  graphqlHandler,
  readClient,
  scanView,
  tableFromEnv,
} from '../../kernel/graphql/index.js';
import { orderIdFor } from '../order-id.js';
import type { OrderResult } from './commands.js';

/**
 * The orders source API's resolvers: `placeOrder` through orders' Commands, `order(id)` and
 * `ordersByCustomer` from OrderView (a filtered scan: OrderView has no customer index yet). A customer reads and places only their own
 * orders; anyone else is denied and audited. `publishOrderUpdate` (IAM only) echoes a status change so
 * `onOrderUpdated` subscribers get it.
 */
const placeOrderInput = z.strictObject({
  customerId: id,
  items: z
    .array(z.strictObject({ sku, quantity: quantity.max(1000) }))
    .min(1)
    .max(100),
  paymentToken: z.string().min(1).max(128),
  shippingAddress: address.strict(),
  idempotencyKey: id,
});

const statusEnum = z.enum(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED']);

const db = (ctx: { tools: { captureClient<C>(c: C): C } }) => readClient((c) => ctx.tools.captureClient(c));
const orderTable = () => tableFromEnv('ORDER_VIEW_TABLE');

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
      const { result } = await ctx.invoker.invoke<OrderResult>(
        functionFromEnv('ORDERS_COMMANDS_FUNCTION'),
        { type: 'PlaceOrder', data: input },
        actorOf(ctx.caller),
      );
      // A repeated idempotencyKey lands on the existing order: its view has the real timestamps.
      const view = await getView(db(ctx), orderTable(), {
        id: orderIdFor(input.customerId, input.idempotencyKey),
      });
      return view ?? fromResult(result, ctx.tools.clock().toISOString());
    }),
    'Query.order': field(z.strictObject({ id }), async ({ id: orderId }, ctx) => {
      const view = await getView(db(ctx), orderTable(), { id: orderId });
      if (!view) return null;
      await ctx.requireSelfOrAdmin(String(view.customerId), `order/${orderId}`);
      return view;
    }),
    'Query.ordersByCustomer': field(z.strictObject({ customerId: id }), async ({ customerId }, ctx) => {
      await ctx.requireSelfOrAdmin(customerId, `customer/${customerId}/orders`);
      const orders = await scanView(db(ctx), orderTable(), { customerId });
      return orders.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    }),
    'Mutation.publishOrderUpdate': field(
      z.strictObject({
        input: z.strictObject({
          id,
          customerId: id,
          status: statusEnum,
          failureReason: z.string().max(1000).nullish(),
          updatedAt: z.string().min(1),
        }),
      }),
      async ({ input }, ctx) => {
        if (ctx.caller.kind !== 'service') await ctx.requireAdmin(`order/${input.id}`);
        return input;
      },
    ),
  },
});
