/**
 * Reads what the invariants need from the services' own tables, with the real SDK against the target (the
 * local endpoint or a deployed stage): read models for what customers see, event stores for the facts money and
 * goods moved on. Table names come from service discovery, as the services find each other's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import { orderReadModels } from '../../bench/order-read-models.js';
import { batchGetAll } from '../../functions/kernel/store/dynamodb.js';
import { ORDER_VIEW_BY_CUSTOMER } from '../../functions/orders/read-model/order-view.js';
import type { EffectCounts, OrderRecord, PaymentRecord, StockRecord, WindowCustomer } from './model.js';
import { clientConfig, type Discovery, type Target } from './target.js';

interface EventItem {
  readonly type: string;
  readonly streamId: string;
  readonly envelope: string;
}

const dataOf = (item: EventItem) => (JSON.parse(item.envelope) as { data: Record<string, unknown> }).data;

/** Runs `work` over `items`, `width` at a time (one Query per stream; a deployed table takes them in parallel). */
async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

export function storeReader(target: Target, discovery: Discovery) {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(target)));
  const table = (service: string, name: string) => discovery.get(service, name);

  async function streamEvents(service: string, streamId: string): Promise<EventItem[]> {
    const tableName = await table(service, 'event-store/table-name');
    const items: EventItem[] = [];
    const pages = paginateQuery(
      { client },
      {
        TableName: tableName,
        KeyConditionExpression: 'streamId = :s AND version >= :first',
        ExpressionAttributeValues: { ':s': streamId, ':first': 1 },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...((page.Items ?? []) as EventItem[]));
    return items;
  }

  /** Every event of `types` a service's store holds since `since` (a Scan: a game day reads it once). */
  async function eventsSince(service: string, types: readonly string[], since: string): Promise<EventItem[]> {
    const tableName = await table(service, 'event-store/table-name');
    const names = types.map((_, i) => `:t${i}`);
    const items: EventItem[] = [];
    const pages = paginateScan(
      { client },
      {
        TableName: tableName,
        FilterExpression: `#kind = :event AND occurredAt >= :since AND #type IN (${names.join(', ')})`,
        ExpressionAttributeNames: { '#kind': 'kind', '#type': 'type' },
        ExpressionAttributeValues: {
          ':event': 'event',
          ':since': since,
          ...Object.fromEntries(types.map((type, i) => [`:t${i}`, type])),
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...((page.Items ?? []) as EventItem[]));
    return items;
  }

  async function views(service: string, view: string, key: string, ids: readonly string[]) {
    const rows = await batchGetAll(client, {
      tableName: await table(service, `read-models/${view}/table-name`),
      keys: [...new Set(ids)].map((id) => ({ [key]: id })),
      attempts: 8,
      label: `${service} ${view}`,
    });
    return new Map(rows.map((row) => [row[key] as string, row]));
  }

  return {
    /**
     * Each accepted order's status, failure reason and total from OrderView; plus the orders OrderView holds for
     * a window's customer that placeOrder never acknowledged (its byCustomer index).
     */
    async orders(
      orders: readonly OrderRecord[],
      customers: readonly WindowCustomer[],
    ): Promise<OrderRecord[]> {
      const ids = orders.flatMap((o) => (o.orderId ? [o.orderId] : []));
      const rows = await views('orders', 'order-view', 'id', ids);
      const known = new Set(ids);
      const extra: OrderRecord[] = [];
      const tableName = await table('orders', 'read-models/order-view/table-name');
      for (const { phase, customerId } of customers) {
        const pages = paginateQuery(
          { client },
          {
            TableName: tableName,
            IndexName: ORDER_VIEW_BY_CUSTOMER.indexName,
            KeyConditionExpression: '#customer = :c',
            ExpressionAttributeNames: { '#customer': ORDER_VIEW_BY_CUSTOMER.partitionKey },
            ExpressionAttributeValues: { ':c': customerId },
          },
        );
        for await (const page of pages)
          for (const row of page.Items ?? []) {
            const id = row.id as string;
            if (known.has(id)) continue;
            const [line] = (row.items ?? []) as { sku: string; quantity: number }[];
            extra.push({
              phase,
              orderId: id,
              sku: line?.sku ?? '?',
              quantity:
                (row.items as { quantity: number }[] | undefined)?.reduce((s, l) => s + l.quantity, 0) ?? 0,
              ackMs: 0,
              unacknowledged: true,
              status: row.status as string,
              failureReason: (row.failureReason as string | undefined) ?? null,
              total: row.total as number,
            });
          }
      }
      return [
        ...orders.map((order) => {
          const row = order.orderId ? rows.get(order.orderId) : undefined;
          if (!row) return order;
          return {
            ...order,
            status: row.status as string,
            failureReason: (row.failureReason as string | undefined) ?? null,
            total: row.total as number,
          };
        }),
        ...extra,
      ];
    },

    /** PaymentView per order, with the charges and refunds of the payment's own stream. */
    async payments(orderIds: readonly string[]): Promise<PaymentRecord[]> {
      const rows = await views('payments', 'payment-view', 'orderId', orderIds);
      return inParallel(orderIds, 16, async (orderId) => {
        const events = await streamEvents('payments', `payment#${orderId}`);
        const row = rows.get(orderId);
        return {
          orderId,
          ...(row ? { status: row.status as string } : {}),
          amount: (row?.amount as number | undefined) ?? 0,
          refundedAmount: (row?.refundedAmount as number | undefined) ?? 0,
          charges: events.filter((e) => e.type === 'PaymentCharged').length,
          refundedInStore: events
            .filter((e) => e.type === 'PaymentRefunded')
            .reduce((sum, e) => sum + Number(dataOf(e).amount), 0),
        };
      });
    },

    /** Per SKU: what was ever stocked (its product stream) and what ProductView says now. */
    async stock(skus: readonly string[]): Promise<StockRecord[]> {
      const rows = await views('inventory', 'product-view', 'sku', skus);
      return inParallel(skus, 8, async (sku) => {
        const events = await streamEvents('inventory', `product#${sku}`);
        let stocked = 0;
        for (const event of events) {
          if (event.type === 'ProductAdded') stocked += Number(dataOf(event).initialStock);
          if (event.type === 'StockRestocked') stocked += Number(dataOf(event).quantity);
        }
        const row = rows.get(sku);
        return {
          sku,
          stocked,
          available: (row?.available as number | undefined) ?? Number.NaN,
          reserved: (row?.reserved as number | undefined) ?? Number.NaN,
        };
      });
    },

    /** Shipments per order and notifications per triggering event and template, since the game day began. */
    async effects(since: string): Promise<Omit<EffectCounts, 'duplicateSagas'>> {
      const shipmentsByOrder: Record<string, number> = {};
      for (const event of await eventsSince('shipping', ['ShipmentCreated'], since)) {
        const orderId = String(dataOf(event).orderId);
        shipmentsByOrder[orderId] = (shipmentsByOrder[orderId] ?? 0) + 1;
      }
      const notificationsByKey: Record<string, number> = {};
      for (const event of await eventsSince('notifications', ['NotificationSent'], since)) {
        const key = `${event.streamId}|${String(dataOf(event).template)}`;
        notificationsByKey[key] = (notificationsByKey[key] ?? 0) + 1;
      }
      return { shipmentsByOrder, notificationsByKey };
    },

    ...orderReadModels(client, (readModel) => table('orders', `read-models/${readModel}/table-name`)),

    destroy: () => client.destroy(),
  };
}

export type StoreReader = ReturnType<typeof storeReader>;
