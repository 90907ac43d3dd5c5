import { describe, expect, it } from 'vitest';
import {
  MAX_MONEY,
  MAX_ORDER_LINES,
  MAX_QUANTITY_PER_LINE,
  MAX_TRANSACTION_ITEMS,
  mergeLines,
  money,
  orderLines,
  RESERVATION_TRANSACTION_ITEMS,
} from '../../functions/kernel/domain/limits.js';
import { MAX_TRANSACTION_ITEMS as STORE_MAX } from '../../functions/kernel/store/index.js';
import type * as z from '../../functions/kernel/zod.js';

const skus = (n: number) => Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
const issues = (schema: z.ZodMiniType, input: unknown) => {
  const result = schema.safeParse(input);
  expect(result.success, 'the input should have been refused').toBe(false);
  return result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('money', () => {
  it('is bounded by what GraphQL Int shows (2^31 − 1)', () => {
    expect(MAX_MONEY).toBe(2 ** 31 - 1);
    expect(money.parse(MAX_MONEY)).toBe(MAX_MONEY);
    expect(money.safeParse(MAX_MONEY + 1).success).toBe(false);
    expect(money.safeParse(-1).success).toBe(false);
    expect(money.safeParse(1.5).success).toBe(false);
  });
});

describe('order lines', () => {
  it('fits the reservation of the most distinct SKUs in one transaction (one limit for both sides)', () => {
    expect(STORE_MAX).toBe(MAX_TRANSACTION_ITEMS);
    const { fixed, perSku } = RESERVATION_TRANSACTION_ITEMS;
    expect(fixed + perSku * MAX_ORDER_LINES).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
    expect(fixed + perSku * (MAX_ORDER_LINES + 1)).toBeGreaterThan(MAX_TRANSACTION_ITEMS);
    expect(MAX_ORDER_LINES).toBe(99);
  });

  it('merges lines of the same SKU, first position kept', () => {
    expect(
      mergeLines([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'A', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 4 },
      { sku: 'B', quantity: 2 },
    ]);
  });

  it('given two lines of 1000 of one SKU, when parsed, then refuses the 2000 units after merging', () => {
    expect(
      issues(orderLines, [
        { sku: 'MUG', quantity: MAX_QUANTITY_PER_LINE },
        { sku: 'MUG', quantity: MAX_QUANTITY_PER_LINE },
      ]),
    ).toEqual([{ path: '0.quantity', message: expect.stringContaining('MUG: 2000 after merging') }]);
  });

  it('given 1000 units of one SKU split over two lines, when parsed, then accepts one merged line', () => {
    expect(
      orderLines.parse([
        { sku: 'MUG', quantity: 600 },
        { sku: 'MUG', quantity: 400 },
      ]),
    ).toEqual([{ sku: 'MUG', quantity: 1000 }]);
  });

  it('given more distinct SKUs than a reservation holds, when parsed, then refuses the order', () => {
    expect(orderLines.parse(skus(MAX_ORDER_LINES))).toHaveLength(MAX_ORDER_LINES);
    expect(issues(orderLines, skus(MAX_ORDER_LINES + 1))).toEqual([
      { path: '', message: `an order has at most 99 distinct SKUs (this one has 100)` },
    ]);
  });

  it('counts distinct SKUs: 60 lines of 10 SKUs are 10 lines', () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({ sku: `SKU-${i % 10}`, quantity: 1 }));
    expect(orderLines.parse(lines)).toHaveLength(10);
  });
});
