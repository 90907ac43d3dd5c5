/**
 * The orders read models a load run waits on, read from their tables with the real SDK: PriceList (PlaceOrder
 * prices from it) before the orders, OrderView (each order's status) after the sagas. One reader for the load
 * driver on the local endpoint and for the game day on its target, which each bring their client and their way of
 * finding a table (service discovery).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../functions/kernel/store/dynamodb.js';

export type OrdersReadModel = 'price-list' | 'order-view';

export function orderReadModels(
  client: DynamoDBDocumentClient,
  tableOf: (readModel: OrdersReadModel) => Promise<string>,
) {
  return {
    /** How many of `skus` orders' PriceList holds (what PlaceOrder prices from): the load waits for all. */
    async priceListed(skus: readonly string[]): Promise<number> {
      const items = await batchGetAll(client, {
        tableName: await tableOf('price-list'),
        keys: skus.map((sku) => ({ sku })),
        projectionExpression: 'sku',
        attempts: 5,
        label: "orders' PriceList",
      });
      return items.length;
    },

    /** Order id → the status OrderView shows (orders it does not hold yet are left out). */
    async orderViews(orderIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
      const items = await batchGetAll(client, {
        tableName: await tableOf('order-view'),
        keys: orderIds.map((id) => ({ id })),
        projectionExpression: 'id, #s',
        expressionAttributeNames: { '#s': 'status' },
        attempts: 5,
        label: "orders' OrderView",
      });
      return new Map(items.map((item) => [String(item.id), String(item.status)]));
    },
  };
}
