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
 * Publishing: the reservation stream's StockReserved / StockReleased (all lines of the order) are what the
 * saga and the read models consume; the product streams' copies are a per-SKU ledger and must not reach
 * the bus as well, or every projection counts the units twice. The catalogue has no per-SKU event type for
 * this, so the outbox tells them apart by stream: see `isLedgerCopy`.
 */
export const reservationStreamId = (orderId: string): string => `reservation#${orderId}`;

export const reservationDecider: Decider<ReservationCommand, ReservationState, ReservationFact> = {
  initialState,
  decide,
  evolve,
};
