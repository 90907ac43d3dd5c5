import { field, getView, graphqlHandler, readClient, tableFromEnv } from '../../kernel/graphql/index.js';
import * as z from '../../kernel/zod.js';
import { PAYMENT_VIEW_TABLE_ENV } from '../read-model/payment-view.js';

/**
 * The payments source API's resolver: `Order.payment`, the PaymentView of the parent order. The parent
 * Order was authorized by the orders source API; its payment is readable with it.
 */
export const handler = graphqlHandler({
  service: 'payments',
  fields: {
    'Order.payment': field(z.strictObject({}), async (_args, ctx) => {
      const orderId = ctx.source?.id;
      if (typeof orderId !== 'string') return null;
      const db = readClient((c) => ctx.tools.captureClient(c));
      return (await getView(db, tableFromEnv(PAYMENT_VIEW_TABLE_ENV), { orderId })) ?? null;
    }),
  },
});
