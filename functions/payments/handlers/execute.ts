import * as z from 'zod';
import { parseWith } from '../../kernel/domain/commands.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { CommandContext } from '../../kernel/service/command-handler.js';
import { handleCommand } from '../../kernel/store/command.js';
import {
  ChargePayment,
  createPaymentDecider,
  type PaymentCommand,
  type PaymentProvider,
  type PaymentState,
  paymentStreamId,
  RefundPayment,
  simulatedProvider,
} from '../domain/index.js';
import { type TokenVault, tokenVaultFromEnvironment } from '../token-vault.js';
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
 * What callers send: the domain's commands, except that ChargePayment names no payment token — the handler
 * reads it from the token vault by orderId (a token in the request is refused, so none travels through the
 * saga's execution data).
 */
export const paymentsRequestSchema = z.discriminatedUnion('type', [
  ChargePayment.extend({ data: ChargePayment.shape.data.omit({ paymentToken: true }).strict() }),
  RefundPayment,
]);
export type PaymentsRequest = z.infer<typeof paymentsRequestSchema>;

export function parseRequest(input: unknown): PaymentsRequest {
  return parseWith(paymentsRequestSchema, input, 'payments');
}

/**
 * One stream per order's payment (`payment#<orderId>`): load → decide (the provider is consulted only while
 * the payment has no outcome) → append. A ChargePayment takes the order's token from the vault and, once the
 * payment has an outcome (charged or declined, now or before), deletes it: it has served. An outage keeps
 * it for the saga's retry. A ChargePayment whose outcome is a decline throws
 * PaymentDeclinedError after the decline is recorded (see errors.ts); an outage throws the domain's
 * ProviderUnavailableError before anything is written.
 */
export function paymentsExecutor(
  provider: PaymentProvider = simulatedProvider,
  vaultFor: (tools: CommandContext['tools']) => TokenVault = (tools) =>
    tokenVaultFromEnvironment({ capture: (c) => tools.captureClient(c) }),
) {
  const decider = createPaymentDecider(provider);
  let vault: TokenVault | undefined;
  return async (
    request: PaymentsRequest,
    { store, metadata, tools }: Pick<CommandContext, 'store' | 'metadata' | 'tools'>,
  ): Promise<{ events: readonly DomainEvent[]; result: PaymentResult }> => {
    const { orderId } = request.data;
    let command: PaymentCommand = request;
    if (request.type === 'ChargePayment') {
      vault ??= vaultFor(tools);
      const paymentToken = await vault.read(orderId);
      command = { ...request, data: { ...request.data, ...(paymentToken ? { paymentToken } : {}) } };
    }
    const { events, state } = await handleCommand({
      store,
      decider,
      streamId: paymentStreamId(orderId),
      command,
      metadata,
    });
    if (command.type === 'ChargePayment' && state.status !== 'NONE') await vault!.discard(orderId);
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
