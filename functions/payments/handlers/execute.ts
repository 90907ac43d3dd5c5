import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { CommandContext } from '../../kernel/service/command-handler.js';
import { handleCommand } from '../../kernel/store/command.js';
import {
  createPaymentDecider,
  type PaymentCommand,
  type PaymentProvider,
  type PaymentState,
  paymentStreamId,
  simulatedProvider,
} from '../domain/index.js';
import { PaymentDeclinedError } from './errors.js';

/** What ChargePayment and RefundPayment answer: the payment's public state after the command. */
export type PaymentResult =
  | { readonly orderId: string; readonly status: 'NONE' }
  | {
      readonly orderId: string;
      readonly paymentId: string;
      readonly status: 'CHARGED' | 'REFUNDED';
      readonly amount: number;
      readonly currency: string;
      readonly refundedAmount: number;
      readonly providerReference: string;
    }
  | {
      readonly orderId: string;
      readonly paymentId: string;
      readonly status: 'DECLINED';
      readonly amount: number;
      readonly currency: string;
      readonly refundedAmount: 0;
      readonly declineCode: string;
      readonly reason: string;
    };

export function paymentResult(orderId: string, state: PaymentState): PaymentResult {
  switch (state.status) {
    case 'NONE':
      return { orderId, status: 'NONE' };
    case 'DECLINED': {
      const { paymentId, amount, currency, declineCode, reason } = state;
      return {
        orderId,
        paymentId,
        status: 'DECLINED',
        amount,
        currency,
        refundedAmount: 0,
        declineCode,
        reason,
      };
    }
    case 'CHARGED':
    case 'REFUNDED': {
      const { paymentId, status, amount, currency, refundedAmount, providerReference } = state;
      return { orderId, paymentId, status, amount, currency, refundedAmount, providerReference };
    }
  }
}

/**
 * One stream per order's payment (`payment#<orderId>`): load → decide (the provider is consulted only while
 * the payment has no outcome) → append. A ChargePayment whose outcome is a decline throws
 * PaymentDeclinedError after the decline is recorded (see errors.ts); an outage throws the domain's
 * ProviderUnavailableError before anything is written.
 */
export function paymentsExecutor(provider: PaymentProvider = simulatedProvider) {
  const decider = createPaymentDecider(provider);
  return async (
    command: PaymentCommand,
    { store, metadata }: Pick<CommandContext, 'store' | 'metadata'>,
  ): Promise<{ events: readonly DomainEvent[]; result: PaymentResult }> => {
    const { orderId } = command.data;
    const { events, state } = await handleCommand({
      store,
      decider,
      streamId: paymentStreamId(orderId),
      command,
      metadata,
    });
    if (command.type === 'ChargePayment' && state.status === 'DECLINED') {
      throw new PaymentDeclinedError(`payment for order ${orderId} declined: ${state.reason}`, {
        orderId,
        paymentId: state.paymentId,
        declineCode: state.declineCode,
        reason: state.reason,
        recorded: events.length > 0,
      });
    }
    return { events, result: paymentResult(orderId, state) };
  };
}
