import { minorUnits, quantity, sku } from '../events/primitives.js';
import * as z from '../zod.js';

/**
 * The bounds an input must fit before anything is written, each declared once: orders (PlaceOrder), inventory
 * (AddProduct, ReserveStock) and the GraphQL arguments in front of them import them from here. Pure: the
 * domains import it.
 */

/** TransactWriteItems takes at most 100 items (DynamoDB's limit; the event store refuses more). */
export const MAX_TRANSACTION_ITEMS = 100;

/** GraphQL's `Int`: a signed 32-bit integer. A stored number above it makes every query showing it fail. */
export const MAX_GRAPHQL_INT = 2_147_483_647;

/**
 * The largest amount of money, in minor units, anything may hold: every amount is shown through GraphQL's
 * `Int` (Product.price, Order.total, Payment.amount). An amount above it cannot be shown, so it is refused
 * before it is stored or charged. Well inside Number.MAX_SAFE_INTEGER, so sums of in-range amounts are exact.
 */
export const MAX_MONEY = MAX_GRAPHQL_INT;

/** The most units of one product in stock (Product.available and reserved are GraphQL Ints too). */
export const MAX_STOCK = MAX_GRAPHQL_INT;

/** Money at a boundary: an integer number of minor units from 0 to MAX_MONEY. */
export const money = minorUnits.check(z.lte(MAX_MONEY));

/** The most units of one SKU in one order, counted after lines of the same SKU are merged. */
export const MAX_QUANTITY_PER_LINE = 1000;

/** The most lines a client may send (before merging): a bound on the request, not on the order. */
export const MAX_ORDER_INPUT_LINES = 100;

/**
 * What inventory's reservation writes in its one TransactWriteItems (functions/inventory/handlers/
 * reservations.ts), for ReserveStock and ReleaseStock alike: a Put of its fact on the reservation stream, and
 * a Put of the ledger copy on each SKU's product stream. Every version was just read, so no ConditionCheck
 * of a predecessor is written (the store's `versionFromRead`): a stale version fails its Put.
 */
export const RESERVATION_TRANSACTION_ITEMS = { fixed: 1, perSku: 1 } as const;

/**
 * The most distinct SKUs in one order: the most whose reservation fits one transaction (99). An order above
 * it could be placed and charged but never reserved, so it is refused when placed.
 */
export const MAX_ORDER_LINES = Math.floor(
  (MAX_TRANSACTION_ITEMS - RESERVATION_TRANSACTION_ITEMS.fixed) / RESERVATION_TRANSACTION_ITEMS.perSku,
);

export interface StockLine {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * Lines naming the same SKU merged (quantities added, first position kept): a cart that lists a mug twice
 * means two mugs. Limits apply to what this returns, never to the lines as sent.
 */
export function mergeLines(items: readonly StockLine[]): { sku: string; quantity: number }[] {
  const merged = new Map<string, number>();
  for (const { sku: line, quantity: units } of items) merged.set(line, (merged.get(line) ?? 0) + units);
  return [...merged].map(([line, units]) => ({ sku: line, quantity: units }));
}

export interface LineProblem {
  /** Where, in the merged lines: `[]` for the whole order, `[i, 'quantity']` for one line. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** What is wrong with merged order lines: too many distinct SKUs, too many units of one. */
export function lineLimitProblems(lines: readonly StockLine[]): LineProblem[] {
  const problems: LineProblem[] = [];
  if (lines.length > MAX_ORDER_LINES) {
    problems.push({
      path: [],
      message: `an order has at most ${MAX_ORDER_LINES} distinct SKUs (this one has ${lines.length})`,
    });
  }
  lines.forEach((line, index) => {
    if (line.quantity > MAX_QUANTITY_PER_LINE) {
      problems.push({
        path: [index, 'quantity'],
        message: `at most ${MAX_QUANTITY_PER_LINE} units of one SKU per order (${line.sku}: ${line.quantity} after merging its lines)`,
      });
    }
  });
  return problems;
}

/**
 * An order's lines at a boundary: 1 to MAX_ORDER_INPUT_LINES lines as sent, merged by SKU, then at most
 * MAX_ORDER_LINES distinct SKUs of at most MAX_QUANTITY_PER_LINE units each. The output is the merged lines.
 */
export const orderLines = z
  .pipe(
    z.array(z.strictObject({ sku, quantity })).check(z.minLength(1), z.maxLength(MAX_ORDER_INPUT_LINES)),
    z.transform((lines: StockLine[]) => mergeLines(lines)),
  )
  .check(
    z.superRefine((lines, ctx) => {
      for (const problem of lineLimitProblems(lines)) {
        ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message, input: lines });
      }
    }),
  );
