import type { DomainEvent } from '../../kernel/events/catalogue.js';

/**
 * ProductView — what `products` and `product(sku)` read. PER STREAM: every event that moves a SKU's stock
 * is appended to one inventory stream (per product, or one catalogue stream), so streamVersion orders them
 * and the projector can rebuild the view from that stream. `version` is the streamVersion of the last event
 * applied; an event at or below it changes nothing. A reservation event names several SKUs: the projector
 * applies it to each view `productViewKeys` lists. Stock events for a SKU with no view (ProductAdded not
 * seen) return undefined: a gap for the projector to rebuild.
 */
export interface ProductView {
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
}

/** The SKUs (view keys) an event concerns. */
export function productViewKeys(event: DomainEvent): string[] {
  switch (event.type) {
    case 'ProductAdded':
    case 'StockRestocked':
      return [event.data.sku];
    case 'StockReserved':
    case 'StockReleased':
      return [...new Set(event.data.items.map((l) => l.sku))];
    case 'StockReservationFailed':
      return [...new Set(event.data.unavailable.map((l) => l.sku))];
    default:
      return [];
  }
}

export function projectProductView(
  view: ProductView | undefined,
  event: DomainEvent,
): ProductView | undefined {
  if (event.type === 'ProductAdded') {
    if (view && event.streamVersion <= view.version) return view;
    const { sku, name, price, currency, initialStock } = event.data;
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
  if (!view || !productViewKeys(event).includes(view.sku)) return view;
  if (event.streamVersion <= view.version) return view;
  const quantityOf = (lines: readonly { sku: string; quantity: number }[]) =>
    lines.filter((l) => l.sku === view.sku).reduce((sum, l) => sum + l.quantity, 0);
  const next = (stock: Pick<ProductView, 'available' | 'reserved'>): ProductView => ({
    ...view,
    ...stock,
    updatedAt: event.occurredAt,
    version: event.streamVersion,
  });
  switch (event.type) {
    case 'StockRestocked':
      // `available` after the restock is in the event: take it rather than add to what the view believes.
      return next({ available: event.data.available, reserved: view.reserved });
    case 'StockReserved': {
      const q = quantityOf(event.data.items);
      return next({ available: view.available - q, reserved: view.reserved + q });
    }
    case 'StockReleased': {
      const q = quantityOf(event.data.items);
      return next({ available: view.available + q, reserved: view.reserved - q });
    }
    case 'StockReservationFailed': {
      // Nothing was reserved, but the event says how many were available when it failed.
      const line = event.data.unavailable.find((l) => l.sku === view.sku)!;
      return next({ available: line.available, reserved: view.reserved });
    }
    default:
      return view;
  }
}
