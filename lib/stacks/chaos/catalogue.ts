/**
 * CommerceForge's chaos catalogue as data: which experiments exist, what each injects where, for how long,
 * and which SLO alarms stop it. Pure (no CDK import): the chaos stack builds the FIS templates from it, and the
 * game day reads the same figures for its tolerances. Each template is tagged `Name` = its id.
 */
import type { FisActionId } from '../../constructs/chaos/fis-actions.js';

export const CHAOS_EXPERIMENT_IDS = [
  'payment-latency',
  'payment-errors',
  'inventory-errors',
  'carrier-outage',
  'projector-errors',
  'gameday',
] as const;
export type ChaosExperimentId = (typeof CHAOS_EXPERIMENT_IDS)[number];

/**
 * The functions that take part, by the value of their chaos tag (`commerceforge:chaos`): payments' and
 * inventory's Commands (charge, reserve), the sandbox carrier (its function URL fails as a real carrier's
 * outage would), and the analytics projector (a consumer nobody's order waits for).
 */
export const CHAOS_PARTICIPANTS = ['payments', 'inventory', 'carrier', 'analytics-projector'] as const;
export type ChaosParticipant = (typeof CHAOS_PARTICIPANTS)[number];

/** The SLO alarms of the observability stack (`commerceforge-<stage>-slo-<name>-Critical`) a template may stop on. */
export type SloAlarmName = 'SagaSuccessRate' | 'PlaceOrderP99' | 'LambdaThrottles';

/** Every figure of the catalogue, in one place: percentages of invocations, delays, ISO 8601 durations. */
export const CHAOS_PARAMETERS = {
  paymentLatency: { invocationPercentage: 50, startupDelayMilliseconds: 2000, duration: 'PT10M' },
  paymentErrors: { invocationPercentage: 30, duration: 'PT10M' },
  inventoryErrors: { invocationPercentage: 30, duration: 'PT10M' },
  carrierOutage: { invocationPercentage: 100, duration: 'PT5M' },
  // Longer than a message's way to the dead-letter queue: 5 receives, each hidden 6 × the 30 s timeout + 1 s
  // (EventQueue), ~12 minutes; events that arrive early are dead-lettered, later ones retried after the fault.
  projectorErrors: { invocationPercentage: 100, duration: 'PT15M' },
  gameday: {
    paymentErrorPercentage: 30,
    inventoryDelayMilliseconds: 1000,
    duration: 'PT10M',
    /** Faults off, stop conditions still watched: the steady state must come back. */
    recovery: 'PT2M',
  },
} as const;

export interface ChaosExperimentSpec {
  readonly description: string;
  /** Target name → the participant (chaos tag value); every function carrying it is selected (`ALL`). */
  readonly targets: Readonly<Record<string, { readonly participant: ChaosParticipant }>>;
  readonly actions: Readonly<
    Record<
      string,
      {
        readonly actionId: FisActionId;
        readonly description: string;
        readonly parameters: Readonly<Record<string, string | number | boolean>>;
        readonly target?: string;
        readonly startAfter?: readonly string[];
      }
    >
  >;
  /** The steady-state hypothesis: FIS stops the experiment when one of these alarms. */
  readonly stopConditions: readonly SloAlarmName[];
  /** Whether the chaos monkey may start it unannounced (the combined game day is run by people). */
  readonly monkey: boolean;
}

const P = CHAOS_PARAMETERS;

export const CHAOS_CATALOGUE: Readonly<Record<ChaosExperimentId, ChaosExperimentSpec>> = {
  'payment-latency': {
    description: `Payments' Commands start ${P.paymentLatency.startupDelayMilliseconds} ms late on ${P.paymentLatency.invocationPercentage}% of invocations`,
    targets: { payments: { participant: 'payments' } },
    actions: {
      'delay-payments': {
        actionId: 'aws:lambda:invocation-add-delay',
        description: 'Slow charges and refunds',
        parameters: P.paymentLatency,
        target: 'payments',
      },
    },
    stopConditions: ['SagaSuccessRate', 'PlaceOrderP99'],
    monkey: true,
  },
  'payment-errors': {
    description: `${P.paymentErrors.invocationPercentage}% of payments' Commands invocations fail before the code runs`,
    targets: { payments: { participant: 'payments' } },
    actions: {
      'fail-payments': {
        actionId: 'aws:lambda:invocation-error',
        description: 'Charges and refunds fail without running (no charge made)',
        parameters: { ...P.paymentErrors, preventExecution: true },
        target: 'payments',
      },
    },
    stopConditions: ['SagaSuccessRate'],
    monkey: true,
  },
  'inventory-errors': {
    description: `${P.inventoryErrors.invocationPercentage}% of inventory's Commands invocations (reservations) fail before the code runs`,
    targets: { inventory: { participant: 'inventory' } },
    actions: {
      'fail-reservations': {
        actionId: 'aws:lambda:invocation-error',
        description: 'Stock reservations (and releases) fail without running',
        parameters: { ...P.inventoryErrors, preventExecution: true },
        target: 'inventory',
      },
    },
    stopConditions: ['SagaSuccessRate'],
    monkey: true,
  },
  'carrier-outage': {
    // Shipments are meant to fail here (the saga compensates, the carrier's breaker opens): the hypothesis is
    // that the rest stays responsive, not that orders ship.
    description: `The sandbox carrier fails ${P.carrierOutage.invocationPercentage}% of calls (its function URL answers an error)`,
    targets: { carrier: { participant: 'carrier' } },
    actions: {
      'carrier-down': {
        actionId: 'aws:lambda:invocation-error',
        description: 'Every carrier call fails without running, as an outage',
        parameters: { ...P.carrierOutage, preventExecution: true },
        target: 'carrier',
      },
    },
    stopConditions: ['PlaceOrderP99', 'LambdaThrottles'],
    monkey: true,
  },
  'projector-errors': {
    description: `The analytics projector fails every batch for ${P.projectorErrors.duration}: its events go to its dead-letter queue, recovered by a redrive`,
    targets: { projector: { participant: 'analytics-projector' } },
    actions: {
      'fail-projector': {
        actionId: 'aws:lambda:invocation-error',
        description: 'Batches fail without running; SQS retries, then dead-letters',
        parameters: { ...P.projectorErrors, preventExecution: true },
        target: 'projector',
      },
    },
    stopConditions: ['SagaSuccessRate', 'PlaceOrderP99'],
    monkey: true,
  },
  gameday: {
    description: `Game day: ${P.gameday.paymentErrorPercentage}% payment errors and ${P.gameday.inventoryDelayMilliseconds} ms inventory latency for ${P.gameday.duration}, then ${P.gameday.recovery} of recovery under watch`,
    targets: { payments: { participant: 'payments' }, inventory: { participant: 'inventory' } },
    actions: {
      'fail-payments': {
        actionId: 'aws:lambda:invocation-error',
        description: 'Charges and refunds fail without running',
        parameters: {
          invocationPercentage: P.gameday.paymentErrorPercentage,
          duration: P.gameday.duration,
          preventExecution: true,
        },
        target: 'payments',
      },
      'delay-inventory': {
        actionId: 'aws:lambda:invocation-add-delay',
        description: 'Every reservation starts late',
        parameters: {
          invocationPercentage: 100,
          startupDelayMilliseconds: P.gameday.inventoryDelayMilliseconds,
          duration: P.gameday.duration,
        },
        target: 'inventory',
      },
      recovery: {
        actionId: 'aws:fis:wait',
        description: 'Faults off; the stop conditions still guard while the steady state returns',
        parameters: { duration: P.gameday.recovery },
        startAfter: ['fail-payments', 'delay-inventory'],
      },
    },
    stopConditions: ['SagaSuccessRate', 'PlaceOrderP99', 'LambdaThrottles'],
    monkey: false,
  },
};
