import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';
import { productStreamId } from '../domain/product/decider.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const PRODUCT_VIEW_TABLE_ENV = 'PRODUCT_VIEW_TABLE';

/**
 * ProductView — what `products` and `product(sku)` read. PER STREAM: one view per product stream
 * (`product#<SKU>`, see inventory's domain), which holds ProductAdded, StockRestocked and the per-SKU ledger
 * copies of StockReserved / StockReleased. The projector can rebuild it from that one stream.
 *
 * Only events of the product's own stream count. The reservation stream's StockReserved / StockReleased
 * (the multi-SKU facts the bus carries) are the same movements again and would count twice; its
 * StockReservationFailed moves no stock, and the `available` it reports is a snapshot of the product stream
 * taken when the reservation was decided, possibly older than the view — applying it could turn the view
 * back. So they are ignored (keyOf says undefined), which keeps the view a pure fold of one stream.
 *
 * `version` is the product stream version of the last event applied; an event at or below it is a
 * redelivery and changes nothing. A stock event with no view yet returns undefined (a gap: the projector
 * catches up from the store, ProductAdded being version 1).
 */
export type ProductView = {
  readonly sku: string;
  readonly name: string;
  /** Minor units of `currency`. */
  readonly price: number;
  readonly currency: string;
  /** Units that can still be reserved. */
  readonly available: number;
  /** Units held by reservations not released. */
  readonly reserved: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
};

/** The SKU whose product stream holds the event, or undefined (another stream, another event type). */
export function productViewKey(event: DomainEvent): string | undefined {
  let sku: string | undefined;
  switch (event.type) {
    case 'ProductAdded':
    case 'StockRestocked':
      sku = event.data.sku;
      break;
    case 'StockReserved':
    case 'StockReleased':
      sku = event.data.items.find((l) => productStreamId(l.sku) === event.streamId)?.sku;
      break;
    default:
      return undefined;
  }
  return sku !== undefined && productStreamId(sku) === event.streamId ? sku : undefined;
}

export function projectProductView(
  view: ProductView | undefined,
  event: DomainEvent,
): ProductView | undefined {
  const sku = productViewKey(event);
  if (sku === undefined || (view && view.sku !== sku)) return view;
  if (view && event.streamVersion <= view.version) return view;
  if (event.type === 'ProductAdded') {
    const { name, price, currency, initialStock } = event.data;
    return {
      sku,
      name,
      price,
      currency,
      available: initialStock,
      reserved: 0,
      createdAt: event.occurredAt,
      updatedAt: event.occurredAt,
      version: event.streamVersion,
    };
  }
  if (!view) return undefined;
  const unitsOf = (lines: readonly { sku: string; quantity: number }[]) =>
    lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
  const stamp = { updatedAt: event.occurredAt, version: event.streamVersion };
  switch (event.type) {
    case 'StockRestocked':
      // `available` after the restock is in the event: take it rather than add to what the view believes.
      return { ...view, available: event.data.available, ...stamp };
    case 'StockReserved': {
      const q = unitsOf(event.data.items);
      return { ...view, available: view.available - q, reserved: view.reserved + q, ...stamp };
    }
    case 'StockReleased': {
      const q = unitsOf(event.data.items);
      return { ...view, available: view.available + q, reserved: view.reserved - q, ...stamp };
    }
    default:
      return view;
  }
}

/** For the kernel projector: table partition key `sku`. */
export const productViewProjection: Projection<ProductView> = {
  name: 'ProductView',
  keyAttribute: 'sku',
  keyOf: productViewKey,
  project: (view, event) => required(projectProductView(view, event), event),
};

function required(view: ProductView | undefined, event: DomainEvent): ProductView {
  if (!view)
    throw new Error(
      `ProductView: ${event.type} ${event.streamId}@${event.streamVersion} before ProductAdded`,
    );
  return view;
}
