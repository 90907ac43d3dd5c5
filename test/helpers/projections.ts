import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import type { Projection } from '../../functions/kernel/projection/index.js';

/** Test projections over inventory events (the services' real ones are being written by others). */
export interface ProductView extends Record<string, unknown> {
  id: string;
  name: string;
  available: number;
  reserved: number;
  reservations: string[];
  updatedAt: string;
}

export const productView: Projection<ProductView> = {
  name: 'products',
  keyOf: (e) => (e.source === 'inventory' ? e.streamId : undefined),
  project(view, e: DomainEvent) {
    switch (e.type) {
      case 'ProductAdded':
        return {
          id: e.data.sku,
          name: e.data.name,
          available: e.data.initialStock,
          reserved: 0,
          reservations: [],
          updatedAt: e.occurredAt,
        };
      case 'StockReserved': {
        const base = view!;
        const units = e.data.items.reduce((n, l) => n + l.quantity, 0);
        return {
          ...base,
          available: base.available - units,
          reserved: base.reserved + units,
          reservations: [...base.reservations, e.data.reservationId],
          updatedAt: e.occurredAt,
        };
      }
      case 'StockRestocked':
        return { ...view!, available: e.data.available, updatedAt: e.occurredAt };
      default:
        return view!;
    }
  },
};

/** A view keyed by order, fed by many product streams, each stream contributing only some of its versions. */
export interface OrderReservationsView extends Record<string, unknown> {
  orderId: string;
  lines: Record<string, number>;
}

export const reservationsByOrder: Projection<OrderReservationsView> = {
  name: 'reservations-by-order',
  keyAttribute: 'orderId',
  keyOf: (e) => (e.type === 'StockReserved' ? e.data.orderId : undefined),
  project(view, e) {
    if (e.type !== 'StockReserved') return view!;
    const lines = { ...(view?.lines ?? {}) };
    for (const line of e.data.items) lines[line.sku] = (lines[line.sku] ?? 0) + line.quantity;
    return { orderId: e.data.orderId, lines };
  },
};
