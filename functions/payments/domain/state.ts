import { assertNever, type Fact } from '../../kernel/domain/decider.js';

/**
 * The facts a payment stream holds (stream id `payment#<orderId>`). PaymentFailed is not among them: an
 * outage is retried (ProviderUnavailableError), not recorded as the payment's state.
 */
export type PaymentFact = Fact<'PaymentCharged' | 'PaymentDeclined' | 'PaymentRefunded'>;

interface Attempt {
  readonly paymentId: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
}

interface Charge extends Attempt {
  readonly customerId: string;
  readonly providerReference: string;
  readonly refundedAmount: number;
  readonly refundIds: readonly string[];
}

/**
 * NONE → CHARGED → REFUNDED (once refunds add up to the charge), or NONE → DECLINED, which is final: the
 * saga cancels the order on a decline and paying again means placing a new order.
 */
export type PaymentState =
  | { readonly status: 'NONE' }
  | (Attempt & { readonly status: 'DECLINED'; readonly declineCode: string; readonly reason: string })
  | (Charge & { readonly status: 'CHARGED' })
  | (Charge & { readonly status: 'REFUNDED' });

export const initialState = (): PaymentState => ({ status: 'NONE' });

export function evolve(state: PaymentState, fact: PaymentFact): PaymentState {
  switch (fact.type) {
    case 'PaymentCharged': {
      const { paymentId, orderId, customerId, amount, currency, providerReference } = fact.data;
      return {
        status: 'CHARGED',
        paymentId,
        orderId,
        customerId,
        amount,
        currency,
        providerReference,
        refundedAmount: 0,
        refundIds: [],
      };
    }
    case 'PaymentDeclined': {
      const { paymentId, orderId, amount, currency, declineCode, reason } = fact.data;
      return { status: 'DECLINED', paymentId, orderId, amount, currency, declineCode, reason };
    }
    case 'PaymentRefunded': {
      if (state.status !== 'CHARGED' && state.status !== 'REFUNDED') return state;
      const refundedAmount = state.refundedAmount + fact.data.amount;
      return {
        ...state,
        status: refundedAmount >= state.amount ? 'REFUNDED' : 'CHARGED',
        refundedAmount,
        refundIds: [...state.refundIds, fact.data.refundId],
      };
    }
    default:
      return assertNever(fact);
  }
}
