import { assertNever, type Fact } from '../../../kernel/domain/decider.js';
import type { EventData } from '../../../kernel/events/catalogue.js';

/**
 * The facts a product stream holds (stream id `product#<SKU>`). StockReserved and StockReleased land here as
 * the per-SKU ledger copies of a reservation (see `../reservation/ledger.ts`): a product's availability is
 * its own stream's fold, so deciding a reservation needs no read model.
 */
export type ProductFact = Fact<'ProductAdded' | 'StockRestocked' | 'StockReserved' | 'StockReleased'>;

type StockLine = EventData<'StockReserved'>['items'][number];

/** `available` can be reserved now; `reserved` is held for orders. Neither goes below zero. */
export type ProductState =
  | { readonly status: 'NONE' }
  | {
      readonly status: 'LISTED';
      readonly sku: string;
      readonly name: string;
      readonly price: number;
      readonly currency: string;
      readonly available: number;
      readonly reserved: number;
    };

export const initialState = (): ProductState => ({ status: 'NONE' });

const unitsOf = (sku: string, items: readonly StockLine[]): number =>
  items.reduce((sum, line) => (line.sku === sku ? sum + line.quantity : sum), 0);

export function evolve(state: ProductState, fact: ProductFact): ProductState {
  switch (fact.type) {
    case 'ProductAdded': {
      const { sku, name, price, currency, initialStock } = fact.data;
      return { status: 'LISTED', sku, name, price, currency, available: initialStock, reserved: 0 };
    }
    case 'StockRestocked':
      return state.status === 'LISTED' ? { ...state, available: fact.data.available } : state;
    case 'StockReserved': {
      if (state.status !== 'LISTED') return state;
      const units = unitsOf(state.sku, fact.data.items);
      return { ...state, available: state.available - units, reserved: state.reserved + units };
    }
    case 'StockReleased': {
      if (state.status !== 'LISTED') return state;
      const units = unitsOf(state.sku, fact.data.items);
      return { ...state, available: state.available + units, reserved: state.reserved - units };
    }
    default:
      return assertNever(fact);
  }
}
