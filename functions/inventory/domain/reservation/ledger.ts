import type { Fact } from '../../../kernel/domain/decider.js';
import type { ProductState } from '../product/state.js';
import type { StockLevel } from './commands.js';
import type { ReservationFact } from './state.js';

/** What to append to one product stream in the same transaction as the reservation stream's facts. */
export interface ProductLedgerEntry {
  readonly sku: string;
  readonly facts: readonly Fact<'StockReserved' | 'StockReleased'>[];
}

/**
 * The per-SKU ledger copies of a reservation decision: for each SKU a StockReserved / StockReleased whose
 * `items` hold that SKU's line alone. The handler appends the reservation stream's facts and these, at the
 * stream versions it loaded, in one TransactWriteItems, so availability and reservation never disagree.
 * StockReservationFailed changes no product: it has no ledger copy.
 */
export function productLedger(facts: readonly ReservationFact[]): ProductLedgerEntry[] {
  const bySku = new Map<string, Fact<'StockReserved' | 'StockReleased'>[]>();
  for (const fact of facts) {
    if (fact.type === 'StockReservationFailed') continue;
    for (const line of fact.data.items) {
      const copy: Fact<'StockReserved' | 'StockReleased'> =
        fact.type === 'StockReserved'
          ? { type: 'StockReserved', data: { ...fact.data, items: [line] } }
          : { type: 'StockReleased', data: { ...fact.data, items: [line] } };
      bySku.set(line.sku, [...(bySku.get(line.sku) ?? []), copy]);
    }
  }
  return [...bySku].map(([sku, skuFacts]) => ({ sku, facts: skuFacts }));
}

/** The stock level a product's fold offers a reservation; undefined when the product does not exist. */
export function stockLevelOf(state: ProductState): StockLevel | undefined {
  return state.status === 'LISTED' ? { sku: state.sku, available: state.available } : undefined;
}

/**
 * True for a product stream's ledger copy of a reservation fact. The reservation stream's fact records the
 * same units: whoever counts stock (a projection, an outbox filter) counts one of the two, never both.
 */
export function isLedgerCopy(streamId: string, type: string): boolean {
  return streamId.startsWith('product#') && (type === 'StockReserved' || type === 'StockReleased');
}
