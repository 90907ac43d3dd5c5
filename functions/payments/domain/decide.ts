import { assertNever } from '../../kernel/domain/decider.js';
import { BusinessRuleError } from '../../kernel/domain/errors.js';
import type { ChargePayment, PaymentCommand, RefundPayment } from './commands.js';
import { ProviderUnavailableError } from './errors.js';
import type { PaymentProvider, ProviderOutcome } from './provider.js';
import type { PaymentFact, PaymentState } from './state.js';

/** The decline code of a charge that found no payment token (expired in the vault, or never deposited). */
export const TOKEN_UNAVAILABLE = 'token_unavailable';

/**
 * Rules:
 * - an order is charged at most once: the provider is asked only while the payment has no outcome; a
 *   ChargePayment after a charge or a decline emits nothing (the handler answers from the state), and one
 *   with another amount or currency is refused;
 * - no token (it expired in the vault, or was never deposited) is a decline (`token_unavailable`): the
 *   provider is not asked, and paying again means placing a new order;
 * - a decline is final for the order (the saga cancels it); an outage records nothing and throws the
 *   retryable ProviderUnavailableError, so the saga's retry asks the provider again;
 * - refunds add up to at most the charge; more is refused. A refund without an amount refunds what is left;
 *   a refund id seen before, a refund with nothing left, and a refund of a payment never charged (none or
 *   declined) emit nothing: the saga's compensation is safe to retry and to run whatever the charge did.
 */
export function decideWith(provider: PaymentProvider) {
  return function decide(command: PaymentCommand, state: PaymentState): PaymentFact[] {
    switch (command.type) {
      case 'ChargePayment':
        return charge(provider, command, state);
      case 'RefundPayment':
        return refund(command, state);
      default:
        return assertNever(command);
    }
  };
}

function charge(provider: PaymentProvider, command: ChargePayment, state: PaymentState): PaymentFact[] {
  const { paymentId, orderId, customerId, amount, currency, paymentToken } = command.data;
  if (state.status !== 'NONE') {
    if (state.amount !== amount || state.currency !== currency) {
      throw new BusinessRuleError(
        'order-charged-once',
        `order ${orderId} was already charged another amount`,
        {
          orderId,
          charged: { amount: state.amount, currency: state.currency },
        },
      );
    }
    return [];
  }
  const outcome: ProviderOutcome =
    paymentToken === undefined
      ? {
          status: 'declined',
          declineCode: TOKEN_UNAVAILABLE,
          reason: 'The payment token expired or was never given',
        }
      : provider.charge({ orderId, amount, currency, paymentToken });
  switch (outcome.status) {
    case 'approved':
      return [
        {
          type: 'PaymentCharged',
          data: {
            paymentId,
            orderId,
            customerId,
            amount,
            currency,
            providerReference: outcome.providerReference,
          },
        },
      ];
    case 'declined':
      return [
        {
          type: 'PaymentDeclined',
          data: {
            paymentId,
            orderId,
            amount,
            currency,
            reason: outcome.reason,
            declineCode: outcome.declineCode,
          },
        },
      ];
    case 'unavailable':
      throw new ProviderUnavailableError(outcome.reason, { orderId });
    default:
      return assertNever(outcome);
  }
}

function refund(command: RefundPayment, state: PaymentState): PaymentFact[] {
  if (state.status === 'NONE' || state.status === 'DECLINED') return [];
  const { refundId, reason } = command.data;
  if (state.refundIds.includes(refundId)) return [];
  const remaining = state.amount - state.refundedAmount;
  const amount = command.data.amount ?? remaining;
  if (amount === 0) return [];
  if (amount > remaining) {
    throw new BusinessRuleError('refund-at-most-charged', `refunding ${amount} would exceed the charge`, {
      orderId: state.orderId,
      requested: amount,
      remaining,
    });
  }
  const { paymentId, orderId, currency } = state;
  return [{ type: 'PaymentRefunded', data: { paymentId, orderId, amount, currency, refundId, reason } }];
}
