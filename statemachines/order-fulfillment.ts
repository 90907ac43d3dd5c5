import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { SagaPayload, SagaStep } from '../lib/constructs/saga/index.js';

/**
 * The order fulfillment saga, declared: started by OrderPlaced (execution name = orderId), compiled to a
 * Step Functions state machine by the `Saga` construct (lib/constructs/saga/).
 *
 *   PlanFulfillment → ReserveStock → ChargePayment → CreateShipment → ConfirmOrder
 *   undo:  CancelOrder ← ReleaseStock ← RefundPayment ← CancelShipment
 *
 * A failure at a step runs the compensations of the steps before it, in reverse: a decline refunds nothing and
 * releases the stock, then cancels the order. The order's cancellation is the compensation of the first step,
 * so it runs last and for every failure (too little stock included), with the failed step and its error as the
 * reason; the construct needs no special case, and the order turns CANCELLED only once stock and money are back.
 *
 * Every invocation is a service's command (`{ command: { type, data }, commandId, actor, correlationId,
 * causationId, traceparent }`): the command id is the saga id (= orderId) and the command, so a retried step
 * or compensation is the same command to the service's idempotency; the ids continue the OrderPlaced's
 * transaction (its correlation id, caused by its event id, in its trace).
 */

export const ORDER_FULFILLMENT_SAGA = 'OrderFulfillment';

/** PlanFulfillment's error for an order the orders store does not hold (`UnknownOrderError`'s name). */
export const UNKNOWN_ORDER_ERROR = 'UnknownOrderError';

/** Who the services see acting: the saga (a service actor may act on any customer's order). */
export const SAGA_ACTOR = { type: 'service', id: `saga:${ORDER_FULFILLMENT_SAGA}` } as const;

/** The functions the saga invokes: each a ServiceFunction's `live` alias. */
export interface OrderFulfillmentFunctions {
  /** The saga's own PlanFulfillment function (functions/order-fulfillment/handlers/plan.ts). */
  readonly plan: lambda.IFunction;
  readonly inventory: lambda.IFunction;
  readonly payments: lambda.IFunction;
  readonly shipping: lambda.IFunction;
  readonly orders: lambda.IFunction;
}

/** The saga state's ids, on every invocation: the services' events continue the OrderPlaced's transaction. */
const correlation = {
  'correlationId.$': '$.saga.correlationId',
  'causationId.$': '$.saga.causationId',
  'traceparent.$': '$.saga.traceparent',
};

/** A service command invocation; `commandId` = `<sagaId>:<command>`, stable across retries. */
export function command(type: string, data: Record<string, unknown>): SagaPayload {
  return {
    command: { type, data },
    'commandId.$': `States.Format('{}:${type}', $.saga.sagaId)`,
    actor: SAGA_ACTOR,
    ...correlation,
  };
}

/** Why a compensation runs: the failed step and its error, e.g. `ChargePayment failed: PaymentDeclinedError`. */
export const FAILURE_REASON = "States.Format('{} failed: {}', $.failure.step, $.failure.Error)";

const plan = (field: string) => `$.results.PlanFulfillment.${field}`;
const orderId = { 'orderId.$': '$.input.orderId' };

/**
 * A service said "try again" without refusing: a concurrent append (ConcurrencyError, after the handler's own
 * retries). Retried briefly on every step that writes.
 */
const CONCURRENCY_RETRY: sfn.RetryProps = {
  errors: ['ConcurrencyError'],
  maxAttempts: 3,
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxDelay: Duration.seconds(5),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * The payment provider's outage (tok_error → ProviderUnavailableError, nothing written) is retried with
 * exponential backoff and full jitter: 4 attempts over up to 2 + 4 + 8 s; then the saga gives up and
 * compensates. A decline (PaymentDeclinedError) is an answer, not an outage: it compensates at once.
 */
export const PAYMENT_RETRY: sfn.RetryProps = {
  errors: ['ProviderUnavailableError', 'ConcurrencyError'],
  maxAttempts: 3,
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxDelay: Duration.seconds(20),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * The carrier's outage or timeout (CarrierUnavailableError, nothing written) is retried like the payment
 * provider's: 3 more attempts over up to 2 + 4 + 8 s, then the saga compensates (refunds the charge).
 */
export const CARRIER_RETRY: sfn.RetryProps = {
  errors: ['CarrierUnavailableError', 'ConcurrencyError'],
  maxAttempts: 3,
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxDelay: Duration.seconds(20),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * What an order does while a dependency's circuit breaker is open (CircuitOpenError: no call left, nothing
 * written): it waits, with backoff and full jitter, out the time the breaker stays open (60 s by default), so a
 * retry after it is the half-open probe, goes through a closed circuit, or finds it open again; then the saga
 * compensates with the reason `<step> failed: CircuitOpenError`. Its own budget: an outage's attempts are not
 * spent on it. Six retries (waits capped at 20, 40, 60, 60, 60, 60 s; up to 300 s): full jitter draws each
 * wait from [0, cap], and with three retries half the orders refused at the moment a circuit opened had used
 * their whole budget before it closed again, so an outage of seconds cancelled orders that waiting would have
 * saved (a game day saw 29 of 100). With six, under 1% of them give up before the open timeout
 * (test/saga/retry-budget.unit.test.ts).
 */
export const CIRCUIT_OPEN_RETRY: sfn.RetryProps = {
  errors: ['CircuitOpenError'],
  maxAttempts: 6,
  interval: Duration.seconds(20),
  backoffRate: 2,
  maxDelay: Duration.seconds(60),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * The whole saga's limit, compensations included: past it the execution is stuck mid-way, fails and alarms.
 * It is above the worst case of the longest path (a failure at the last step, every task using up all its
 * retries and every attempt timing out: ~46 min, statemachines/README.md "Retry budgets"), so a saga that
 * retries its way through is never cut short. Steps have no timeouts of their own on purpose: a step given up
 * on while its function still runs could charge after its refund was issued; a function's own timeout bounds
 * it instead.
 */
export const ORDER_FULFILLMENT_TIMEOUT = Duration.minutes(50);

export function orderFulfillmentSteps(fns: OrderFulfillmentFunctions): SagaStep[] {
  return [
    {
      name: 'PlanFulfillment',
      action: fns.plan,
      // The order id only: the plan reads the order from the orders store, never from the triggering event.
      payload: { 'orderId.$': '$.input.orderId', ...correlation },
      // An order the orders store does not hold (a forged OrderPlaced): end here, nothing to undo or cancel.
      abandonOn: [UNKNOWN_ORDER_ERROR],
      compensation: {
        function: fns.orders,
        payload: command('CancelOrder', {
          ...orderId,
          'reason.$': FAILURE_REASON,
          'failedStep.$': '$.failure.step',
        }),
      },
    },
    {
      name: 'ReserveStock',
      action: fns.inventory,
      payload: command('ReserveStock', { ...orderId, 'items.$': plan('lines') }),
      retry: CONCURRENCY_RETRY,
      compensation: {
        function: fns.inventory,
        payload: command('ReleaseStock', { ...orderId, 'reason.$': FAILURE_REASON }),
      },
    },
    {
      name: 'ChargePayment',
      action: fns.payments,
      payload: command('ChargePayment', {
        'paymentId.$': plan('paymentId'),
        ...orderId,
        'customerId.$': plan('customerId'),
        'amount.$': plan('amount'),
        'currency.$': plan('currency'),
        // No token here: payments reads it from its token vault by orderId (OrderPlaced v3 carries none).
      }),
      retry: [PAYMENT_RETRY, CIRCUIT_OPEN_RETRY],
      compensation: {
        function: fns.payments,
        // No amount: refund whatever of the charge is left (all of it).
        payload: command('RefundPayment', {
          ...orderId,
          'refundId.$': plan('refundId'),
          'reason.$': FAILURE_REASON,
        }),
      },
    },
    {
      name: 'CreateShipment',
      action: fns.shipping,
      payload: command('CreateShipment', {
        'shipmentId.$': plan('shipmentId'),
        ...orderId,
        'items.$': plan('lines'),
        'shippingAddress.$': plan('shippingAddress'),
      }),
      retry: [CARRIER_RETRY, CIRCUIT_OPEN_RETRY],
      compensation: {
        function: fns.shipping,
        payload: command('CancelShipment', {
          'shipmentId.$': plan('shipmentId'),
          'reason.$': FAILURE_REASON,
        }),
      },
    },
    {
      // The step that decides: once it succeeded the saga is done; nothing after it can fail.
      name: 'ConfirmOrder',
      action: fns.orders,
      payload: command('ConfirmOrder', {
        ...orderId,
        'paymentId.$': '$.results.ChargePayment.result.paymentId',
        'shipmentId.$': '$.results.CreateShipment.result.shipmentId',
      }),
      retry: CONCURRENCY_RETRY,
    },
  ];
}
