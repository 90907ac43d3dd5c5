import type { Decider } from '../../../kernel/domain/decider.js';
import type { ReservationCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type ReservationFact, type ReservationState } from './state.js';

/**
 * Why a reservation is its own aggregate.
 *
 * Stock lives in one stream per SKU, but an order reserves several SKUs all-or-nothing, and must do so once
 * even when the saga retries. A stream per order, `reservation#<orderId>`, is where that decision and its
 * idempotency live: its fold says whether the order already reserved, failed or released, and which lines.
 *
 * The decision needs the availability of every SKU of the order. The handler loads each product stream,
 * folds it with the product decider and passes `stockLevelOf(state)` in `ReserveStock.data.stock` (missing
 * products are left out), keeping the stream versions it read. The reservation decider stays pure and sees
 * every line at once.
 *
 * The outcome must change the products too, or the next order would see the same units available. The
 * handler appends, in one TransactWriteItems (the store's cross-stream append): the reservation stream's
 * facts at its expected version, and each product's `productLedger(facts)` entry at the version it loaded.
 * A concurrent restock or reservation of any of those SKUs fails the whole transaction with a
 * ConcurrencyError: reload and decide again. So availability never goes below zero, and a product's stream
 * alone tells how many units it has available and reserved.
 *
 * Two records of one movement: the reservation stream's fact (every line of the order: what the saga and
 * the order's consumers read) and the product streams' copies (one line each: what a per-product fold
 * reads, e.g. inventory's ProductView projection). A consumer that counts units must count one or the
 * other, never both; `isLedgerCopy(streamId, type)` tells them apart. The catalogue has no per-SKU event
 * type for the copies (a StockAllocated / StockDeallocated would remove the ambiguity), hence this rule.
 */
export const reservationStreamId = (orderId: string): string => `reservation#${orderId}`;

export const reservationDecider: Decider<ReservationCommand, ReservationState, ReservationFact> = {
  initialState,
  decide,
  evolve,
};
