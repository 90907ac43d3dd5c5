import { assertNever, type Decider, type Fact } from '../../functions/kernel/domain/decider.js';
import { BusinessRuleError, NotFoundError } from '../../functions/kernel/domain/errors.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { createEvent } from '../../functions/kernel/events/metadata.js';
import { type MetadataSource, metadataFrom } from '../../functions/kernel/store/index.js';
import { fixedClock, sequentialIds } from './events.js';

/**
 * A tiny stock decider over the real inventory events, written for these tests only (the inventory
 * service's own decider is someone else's work): add a product, reserve and restock units.
 */
export type StockFact = Fact<'ProductAdded' | 'StockReserved' | 'StockRestocked'>;

export type StockCommand =
  | { type: 'AddProduct'; sku: string; name: string; price: number; initialStock: number }
  | { type: 'Reserve'; reservationId: string; orderId: string; quantity: number }
  | { type: 'Restock'; quantity: number };

export type StockState =
  | { status: 'unknown' }
  | {
      status: 'listed';
      sku: string;
      name: string;
      available: number;
      reserved: number;
      reservations: string[];
    };

export const stockDecider: Decider<StockCommand, StockState, StockFact> = {
  initialState: () => ({ status: 'unknown' }),
  decide(command, state) {
    switch (command.type) {
      case 'AddProduct':
        if (state.status !== 'unknown') throw new BusinessRuleError('sku-unique', `${command.sku} exists`);
        return [
          {
            type: 'ProductAdded',
            data: {
              sku: command.sku,
              name: command.name,
              price: command.price,
              currency: 'EUR',
              initialStock: command.initialStock,
            },
          },
        ];
      case 'Reserve':
        if (state.status !== 'listed') throw new NotFoundError('no such product');
        if (state.available < command.quantity) {
          throw new BusinessRuleError('stock-never-negative', 'not enough stock');
        }
        return [
          {
            type: 'StockReserved',
            data: {
              reservationId: command.reservationId,
              orderId: command.orderId,
              items: [{ sku: state.sku, quantity: command.quantity }],
            },
          },
        ];
      case 'Restock':
        if (state.status !== 'listed') throw new NotFoundError('no such product');
        return [
          {
            type: 'StockRestocked',
            data: {
              sku: state.sku,
              quantity: command.quantity,
              available: state.available + command.quantity,
            },
          },
        ];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ProductAdded':
        return {
          status: 'listed',
          sku: event.data.sku,
          name: event.data.name,
          available: event.data.initialStock,
          reserved: 0,
          reservations: [],
        };
      case 'StockReserved': {
        if (state.status !== 'listed') return state;
        const units = event.data.items.reduce((n, line) => n + line.quantity, 0);
        return {
          ...state,
          available: state.available - units,
          reserved: state.reserved + units,
          reservations: [...state.reservations, event.data.reservationId],
        };
      }
      case 'StockRestocked':
        if (state.status !== 'listed') return state;
        return { ...state, available: event.data.available };
      default:
        return assertNever(event);
    }
  },
};

export const CAUSATION = {
  correlationId: 'corr-test',
  causationId: 'cmd-test',
  traceparent: '00-67c2f5c0aaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01',
};

/** Deterministic metadata: sequential ids, a fixed clock. */
export function testMetadata(): MetadataSource {
  return metadataFrom({
    ids: sequentialIds(),
    clock: fixedClock(),
    causation: CAUSATION,
    actor: { type: 'service', id: 'inventory' },
  });
}

type StockEvent = Extract<DomainEvent, { type: StockFact['type'] }>;

/** Envelopes of a product stream: ProductAdded at version 1, then a reservation per later version. */
export function productStream(sku: string, count: number, metadata = testMetadata()): StockEvent[] {
  const events: StockEvent[] = [];
  for (let v = 1; v <= count; v++) {
    const fact: StockFact =
      v === 1
        ? {
            type: 'ProductAdded',
            data: { sku, name: `Product ${sku}`, price: 1250, currency: 'EUR', initialStock: 1000 },
          }
        : v % 5 === 0
          ? { type: 'StockRestocked', data: { sku, quantity: 10, available: 1000 } }
          : {
              type: 'StockReserved',
              data: { reservationId: `res-${v}`, orderId: `order-${v}`, items: [{ sku, quantity: 1 }] },
            };
    events.push(
      createEvent({ ...fact, streamId: sku, streamVersion: v } as never, metadata()) as unknown as StockEvent,
    );
  }
  return events;
}
