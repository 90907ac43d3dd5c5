import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';
import { batchGetAll } from '../../kernel/store/dynamodb.js';
import type { CatalogueProduct } from '../domain/commands.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const PRICE_LIST_TABLE_ENV = 'PRICE_LIST_TABLE';

/**
 * PriceList — orders' own copy of the catalogue's prices (CQRS across bounded contexts: orders never reads
 * inventory's tables). PER STREAM: one view per inventory product stream, from its ProductAdded (version 1).
 * The catalogue has no price-change event yet; when one comes, subscribe the projector to it and fold it
 * here, and subscribe to every event of the product streams (or the projector parks the later versions
 * waiting for the ones in between, since it cannot read another service's store).
 *
 * It lives with the handlers, not in read-model/: it is fed by inventory's events, which orders' event
 * store does not hold, so `rebuild-projections orders` (which replays orders' store) must not find it — it
 * would clear it and fill it with nothing. Rebuild it by replaying inventory's ProductAdded from the archive.
 */
export type PriceListEntry = {
  readonly sku: string;
  readonly name: string;
  /** Minor units of `currency`. */
  readonly price: number;
  readonly currency: string;
  readonly updatedAt: string;
};

export function priceListKey(event: DomainEvent): string | undefined {
  return event.type === 'ProductAdded' && event.streamId === `product#${event.data.sku}`
    ? event.data.sku
    : undefined;
}

export const priceListProjection: Projection<PriceListEntry> = {
  name: 'PriceList',
  keyAttribute: 'sku',
  keyOf: priceListKey,
  project: (view, event) => {
    if (event.type !== 'ProductAdded') return required(view, event);
    const { sku, name, price, currency } = event.data;
    return { sku, name, price, currency, updatedAt: event.occurredAt };
  },
};

function required(view: PriceListEntry | undefined, event: DomainEvent): PriceListEntry {
  if (!view)
    throw new Error(`PriceList: ${event.type} ${event.streamId}@${event.streamVersion} before ProductAdded`);
  return view;
}

/** The catalogue entries of `skus` (unknown SKUs are simply absent), as PlaceOrder's decider takes them. */
export async function lookUpPrices(
  client: DynamoDBDocumentClient,
  tableName: string,
  skus: readonly string[],
): Promise<CatalogueProduct[]> {
  // PlaceOrder allows 100 lines: one BatchGetItem; unprocessed keys (throttling) are asked again.
  const items = await batchGetAll(client, {
    tableName,
    keys: [...new Set(skus)].map((sku) => ({ sku })),
    projectionExpression: 'sku, price, currency',
    attempts: 6,
    label: 'PriceList',
  });
  return items.map((item) => ({
    sku: String(item.sku),
    price: Number(item.price),
    currency: String(item.currency),
  }));
}
