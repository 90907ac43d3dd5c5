import { assertNever, type Fact } from '../../../kernel/domain/decider.js';
import { BusinessRuleError } from '../../../kernel/domain/errors.js';
import type { ReleaseStock, ReservationCommand, ReserveStock } from './commands.js';
import type { ReservationFact, ReservationState, StockLine, UnavailableLine } from './state.js';

/**
 * Rules:
 * - all lines of an order are reserved or none: StockReserved for every line when each SKU has the units
 *   available, else StockReservationFailed listing the lines short (UNKNOWN_SKU when a SKU is not in the
 *   catalogue, which wins over OUT_OF_STOCK); available stock never goes below zero;
 * - lines of the same SKU are merged before the check (two lines of 2 need 4 units);
 * - an order is reserved once: a second ReserveStock with the same lines emits nothing, whatever the first
 *   outcome was (a retried saga task gets the answer of the first attempt from the state, not a new one
 *   because stock moved meanwhile); the same order with other lines is refused (after a failure the lines
 *   cannot be compared, StockReservationFailed keeps only the lines short: it emits nothing);
 * - ReleaseStock releases everything the order reserved, once; releasing a reservation that does not exist,
 *   failed or was already released emits nothing (a compensation must be safe to retry).
 */
export function decide(command: ReservationCommand, state: ReservationState): ReservationFact[] {
  switch (command.type) {
    case 'ReserveStock':
      return reserve(command, state);
    case 'ReleaseStock':
      return release(command, state);
    default:
      return assertNever(command);
  }
}

function reserve(
  command: ReserveStock,
  state: ReservationState,
): Fact<'StockReserved' | 'StockReservationFailed'>[] {
  const { reservationId, orderId, stock } = command.data;
  const items = mergeLines(command.data.items);
  if (state.status !== 'NONE') {
    if (state.status !== 'FAILED' && !sameLines(state.items, items)) {
      throw new BusinessRuleError(
        'order-reserved-once',
        `order ${orderId} already has a different reservation`,
        {
          orderId,
        },
      );
    }
    return [];
  }

  const available = new Map(stock.map((level) => [level.sku, level.available]));
  const unknown: UnavailableLine[] = [];
  const short: UnavailableLine[] = [];
  for (const { sku, quantity } of items) {
    const units = available.get(sku);
    if (units === undefined) unknown.push({ sku, requested: quantity, available: 0 });
    else if (units < quantity) short.push({ sku, requested: quantity, available: units });
  }
  if (unknown.length > 0) {
    return [
      {
        type: 'StockReservationFailed',
        data: { orderId, reason: 'UNKNOWN_SKU', unavailable: [...unknown, ...short] },
      },
    ];
  }
  if (short.length > 0) {
    return [
      { type: 'StockReservationFailed', data: { orderId, reason: 'OUT_OF_STOCK', unavailable: short } },
    ];
  }
  return [{ type: 'StockReserved', data: { reservationId, orderId, items } }];
}

function release(command: ReleaseStock, state: ReservationState): Fact<'StockReleased'>[] {
  if (state.status !== 'RESERVED') return [];
  const { reservationId, orderId, items } = state;
  return [
    {
      type: 'StockReleased',
      data: { reservationId, orderId, items: [...items], reason: command.data.reason },
    },
  ];
}

/** One line per SKU, in the order the SKUs first appear. */
export function mergeLines(lines: readonly StockLine[]): StockLine[] {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of lines) merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

function sameLines(a: readonly StockLine[], b: readonly StockLine[]): boolean {
  const key = (lines: readonly StockLine[]) =>
    mergeLines(lines)
      .map((l) => `${l.sku}:${l.quantity}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}
