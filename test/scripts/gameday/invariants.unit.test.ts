import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../../scripts/gameday/hypothesis.js';
import {
  checkInvariants,
  eventsAccountedFor,
  everyOrderTerminal,
  moneyConserved,
  noDuplicateEffects,
  stockConserved,
} from '../../../scripts/gameday/invariants.js';
import type { Collected, OrderRecord, PaymentRecord } from '../../../scripts/gameday/model.js';

// A small healthy game day: two orders stand, one was cancelled and refunded, one never reached payment.
const orders: OrderRecord[] = [
  {
    phase: 'baseline',
    orderId: 'o1',
    sku: 'A',
    quantity: 2,
    ackMs: 50,
    status: 'CONFIRMED',
    total: 2000,
    sagaMs: 900,
  },
  {
    phase: 'fault',
    orderId: 'o2',
    sku: 'A',
    quantity: 1,
    ackMs: 60,
    status: 'SHIPPED',
    total: 1000,
    sagaMs: 1500,
  },
  {
    phase: 'fault',
    orderId: 'o3',
    sku: 'B',
    quantity: 3,
    ackMs: 70,
    status: 'CANCELLED',
    failureReason: 'CreateShipment failed: Lambda.Unknown',
    total: 3000,
    sagaMs: 4000,
  },
  {
    phase: 'recovery',
    orderId: 'o4',
    sku: 'B',
    quantity: 1,
    ackMs: 40,
    status: 'CANCELLED',
    failureReason: 'ChargePayment failed: Lambda.Unknown',
    total: 1000,
    sagaMs: 3000,
  },
];
const payments: PaymentRecord[] = [
  { orderId: 'o1', status: 'CHARGED', amount: 2000, refundedAmount: 0, charges: 1, refundedInStore: 0 },
  { orderId: 'o2', status: 'CHARGED', amount: 1000, refundedAmount: 0, charges: 1, refundedInStore: 0 },
  {
    orderId: 'o3',
    status: 'REFUNDED',
    amount: 3000,
    refundedAmount: 3000,
    charges: 1,
    refundedInStore: 3000,
  },
];
const healthy: Collected = {
  orders,
  payments,
  stock: [
    { sku: 'A', stocked: 10, available: 7, reserved: 3 },
    { sku: 'B', stocked: 10, available: 10, reserved: 0 },
  ],
  rules: [
    {
      rule: 'orders-projector',
      targets: 1,
      matched: 12,
      invocations: 12,
      failed: 0,
      sentToDlq: 0,
      failedToDlq: 0,
    },
    { rule: 'analytics', targets: 2, matched: 5, invocations: 10, failed: 3, sentToDlq: 3, failedToDlq: 0 },
  ],
  deadLetters: [{ queue: 'AnalyticsDlq', before: 0, after: 3, redriven: 0 }],
  effects: {
    shipmentsByOrder: { o2: 1, o3: 1 },
    notificationsByKey: { 'e1|order-confirmed': 1 },
    duplicateSagas: 0,
  },
};

describe('game day invariants', () => {
  it('all hold on a healthy run, dead-lettered events counted as waiting', () => {
    const results = checkInvariants(healthy);
    expect(results.filter((r) => !r.holds)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(['terminal', 'stock', 'money', 'events', 'no-duplicates']);
    const money = results.find((r) => r.id === 'money');
    expect(money?.figures).toMatchObject({ charged: 6000, refunded: 3000, owed: 3000, difference: 0 });
    expect(results.find((r) => r.id === 'events')?.figures).toMatchObject({
      lost: 0,
      sentToDlq: 3,
      waitingInDlq: 3,
    });
  });

  it('an order still PENDING, or cancelled without a reason, is not terminal', () => {
    const result = everyOrderTerminal([
      ...orders,
      { phase: 'fault', orderId: 'o5', sku: 'A', quantity: 1, ackMs: 1, status: 'PENDING' },
      {
        phase: 'fault',
        orderId: 'o6',
        sku: 'A',
        quantity: 1,
        ackMs: 1,
        status: 'CANCELLED',
        failureReason: null,
      },
    ]);
    expect(result.holds).toBe(false);
    expect(result.violations).toEqual(['o5: PENDING', 'o6: CANCELLED without a reason']);
  });

  it('an oversold SKU fails, and so does a reservation a cancelled order kept', () => {
    const oversold = stockConserved([{ sku: 'A', stocked: 2, available: -1, reserved: 3 }], orders);
    expect(oversold.holds).toBe(false);
    expect(oversold.figures.oversold).toBe(1);
    expect(oversold.violations[0]).toMatch(/A: oversold/);
    const leaked = stockConserved([{ sku: 'B', stocked: 10, available: 7, reserved: 3 }], orders);
    expect(leaked.holds).toBe(false);
    expect(leaked.violations[0]).toMatch(/reserved 3 ≠ units of the orders that stand 0/);
    const vanished = stockConserved([{ sku: 'A', stocked: 10, available: 6, reserved: 3 }], orders);
    expect(vanished.violations[0]).toMatch(/available 6 \+ reserved 3 ≠ stocked 10/);
  });

  it('a double charge fails money conservation and the no-duplicate invariant', () => {
    const doubled: PaymentRecord[] = payments.map((p) =>
      p.orderId === 'o1' ? { ...p, amount: 4000, charges: 2 } : p,
    );
    const money = moneyConserved(orders, doubled);
    expect(money.holds).toBe(false);
    expect(money.violations[0]).toMatch(/o1 \(CONFIRMED\): charged 4000 − refunded 0 ≠ owed 2000/);
    const duplicates = noDuplicateEffects(orders, doubled, healthy.effects);
    expect(duplicates.holds).toBe(false);
    expect(duplicates.violations).toEqual(['o1: charged 2 times']);
  });

  it('a cancelled order left charged, or a refund the view missed, breaks money conservation', () => {
    const kept = moneyConserved(orders, [
      ...payments,
      { orderId: 'o4', status: 'CHARGED', amount: 1000, refundedAmount: 0, charges: 1, refundedInStore: 0 },
    ]);
    expect(kept.violations).toEqual(['o4 (CANCELLED): charged 1000 − refunded 0 ≠ owed 0']);
    const stale = moneyConserved(
      orders,
      payments.map((p) => (p.orderId === 'o3' ? { ...p, refundedInStore: 6000 } : p)),
    );
    expect(stale.violations).toEqual(["o3: PaymentView refunded 3000 ≠ the stream's refunds 6000"]);
  });

  it('a lost event fails: never delivered, dropped, or refused by its dead-letter queue', () => {
    const rule = {
      rule: 'r',
      targets: 2,
      matched: 5,
      invocations: 10,
      failed: 0,
      sentToDlq: 0,
      failedToDlq: 0,
    };
    expect(eventsAccountedFor([rule], []).holds).toBe(true);
    const unended = eventsAccountedFor([{ ...rule, invocations: 9 }], []);
    expect(unended.holds).toBe(false);
    expect(unended.figures.lost).toBe(1);
    expect(eventsAccountedFor([{ ...rule, failed: 2, sentToDlq: 1 }], []).figures.lost).toBe(1);
    expect(eventsAccountedFor([{ ...rule, failed: 1, failedToDlq: 1 }], []).figures.lost).toBe(1);
  });

  it('a second shipment, a repeated notification or a second saga is a duplicate effect', () => {
    const result = noDuplicateEffects(orders, payments, {
      shipmentsByOrder: { o2: 2, elsewhere: 3 },
      notificationsByKey: { 'e1|order-confirmed': 2, 'e1|order-shipped': 1 },
      duplicateSagas: 1,
    });
    expect(result.violations).toEqual([
      'o2: 2 shipments',
      'notification e1|order-confirmed: sent 2 times',
      '1 orders with more than one saga execution',
    ]);
  });

  it('each failing input fails the verdict', () => {
    const verdictFor = (collected: Collected) => verdictOf([], checkInvariants(collected), 'completed');
    expect(verdictFor(healthy)).toBe('PASS');
    expect(verdictFor({ ...healthy, stock: [{ sku: 'A', stocked: 2, available: -1, reserved: 3 }] })).toBe(
      'FAIL',
    );
    expect(
      verdictFor({
        ...healthy,
        payments: payments.map((p) => (p.orderId === 'o2' ? { ...p, charges: 2, amount: 2000 } : p)),
      }),
    ).toBe('FAIL');
    expect(
      verdictFor({
        ...healthy,
        rules: [{ ...(healthy.rules[0] as Collected['rules'][number]), invocations: 11 }],
      }),
    ).toBe('FAIL');
  });
});
