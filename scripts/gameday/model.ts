/**
 * What a game day collects and what it concludes: plain data, so the checks (invariants.ts, hypothesis.ts) are
 * pure functions a unit test can feed failing inputs.
 */
import type { Percentiles } from '../../bench/load.js';

export type { Percentiles };

/** The three windows of a game day. */
export type Phase = 'baseline' | 'fault' | 'recovery';
export const PHASES: readonly Phase[] = ['baseline', 'fault', 'recovery'];

/** One order the game day placed, as the order driver and the order read model saw it. */
export interface OrderRecord {
  readonly phase: Phase;
  readonly orderId?: string;
  readonly sku: string;
  readonly quantity: number;
  /** placeOrder's round trip. */
  readonly ackMs: number;
  /** Set when placeOrder answered with an error instead of an order. */
  readonly error?: string;
  readonly status?: string;
  readonly failureReason?: string | null;
  /** The order's total (minor units) as its read model holds it. */
  readonly total?: number;
  /** The saga's execution time (start to stop), when it ended. */
  readonly sagaMs?: number;
  /**
   * Found in the orders read model for the window's customer though placeOrder answered with an error (e.g. the
   * API timed out after the order was stored): the platform holds it, so stock and money count it.
   */
  readonly unacknowledged?: boolean;
}

/** The customer a window's orders were placed for (each window has its own). */
export interface WindowCustomer {
  readonly phase: Phase;
  readonly customerId: string;
}

/** The payments service's view of one order, with the charges its event stream holds. */
export interface PaymentRecord {
  readonly orderId: string;
  /** PaymentView's status: CHARGED, REFUNDED, DECLINED; absent when no payment exists. */
  readonly status?: string;
  readonly amount: number;
  readonly refundedAmount: number;
  /** PaymentCharged events in the stream `payment#<orderId>`. */
  readonly charges: number;
  /** The sum of PaymentRefunded amounts in that stream. */
  readonly refundedInStore: number;
}

/** One SKU the game day sold, from the product stream and the product read model. */
export interface StockRecord {
  readonly sku: string;
  /** ProductAdded's initialStock plus every StockRestocked, from the product's event stream. */
  readonly stocked: number;
  readonly available: number;
  readonly reserved: number;
}

/** A bus rule's deliveries over the game day, from the `AWS/Events` metrics (per `RuleName`). */
export interface RuleDeliveries {
  readonly rule: string;
  readonly targets: number;
  readonly matched: number;
  readonly invocations: number;
  readonly failed: number;
  readonly sentToDlq: number;
  readonly failedToDlq: number;
}

/** A dead-letter queue's depth at the start and the end, and what the game day moved back. */
export interface DeadLetterDepth {
  readonly queue: string;
  readonly before: number;
  readonly after: number;
  readonly redriven: number;
}

export interface EffectCounts {
  /** ShipmentCreated events per order id (shipping's store). */
  readonly shipmentsByOrder: Readonly<Record<string, number>>;
  /** NotificationSent events per `<triggering event id>|<template>` (notifications' store). */
  readonly notificationsByKey: Readonly<Record<string, number>>;
  /** Orders with more than one saga execution (Step Functions executions named by the order id). */
  readonly duplicateSagas: number;
}

export interface Collected {
  readonly orders: readonly OrderRecord[];
  readonly payments: readonly PaymentRecord[];
  readonly stock: readonly StockRecord[];
  readonly rules: readonly RuleDeliveries[];
  readonly deadLetters: readonly DeadLetterDepth[];
  readonly effects: EffectCounts;
}

export interface InvariantResult {
  readonly id: 'terminal' | 'stock' | 'money' | 'events' | 'no-duplicates';
  readonly title: string;
  readonly holds: boolean;
  /** How it was measured, for the report. */
  readonly measuredBy: string;
  readonly figures: Readonly<Record<string, number>>;
  /** What broke (empty when it holds); capped so a report stays readable. */
  readonly violations: readonly string[];
}

export interface PhaseFigures {
  readonly phase: Phase;
  readonly placed: number;
  readonly accepted: number;
  readonly confirmed: number;
  readonly cancelled: number;
  readonly notTerminal: number;
  /** confirmed / accepted (every order the driver places is valid: a good card, a shipped-to country). */
  readonly sagaSuccessRate: number;
  /** cancelled / accepted. */
  readonly compensationRate: number;
  /** Why orders were cancelled, and why placeOrder refused, with counts. */
  readonly reasons: Readonly<Record<string, number>>;
  readonly ackMs: Percentiles;
  readonly sagaMs: Percentiles;
}

export interface HypothesisCheck {
  readonly phase: Phase;
  readonly name: string;
  readonly holds: boolean;
  readonly measured: number;
  /** The bound, e.g. `>= 0.99` or `<= 30000`. */
  readonly bound: string;
}

/** What the experiment template injects, read from its actions. */
export interface InjectedFaults {
  /** The chance that an order meets at least one injected error: 1 − Π(1 − p) over the error actions. */
  readonly errorRate: number;
  /** The sum of the delay actions' `startupDelayMilliseconds`. */
  readonly delayMs: number;
  readonly actions: readonly string[];
}

export interface Tolerances {
  /** Baseline and recovery: the saga success rate of valid orders is at least this. @default 0.99 */
  readonly minSuccessRate: number;
  /** Fault: compensation rate ≤ injected error rate + this. @default 0.05 */
  readonly compensationTolerance: number;
  /** Baseline and recovery: saga p99 at most this (ms). @default 60_000 */
  readonly maxSagaP99Ms: number;
  /** Fault: saga p99 at most this plus the injected delay (ms). @default 120_000 */
  readonly maxFaultSagaP99Ms: number;
  /** Recovery: saga p99 ≤ baseline p99 × this + `recoverySlackMs`. @default 2 */
  readonly recoveryLatencyFactor: number;
  /** @default 5_000 */
  readonly recoverySlackMs: number;
}

export const DEFAULT_TOLERANCES: Tolerances = {
  minSuccessRate: 0.99,
  compensationTolerance: 0.05,
  maxSagaP99Ms: 60_000,
  maxFaultSagaP99Ms: 120_000,
  recoveryLatencyFactor: 2,
  recoverySlackMs: 5_000,
};
