import { parseWith } from '../../kernel/domain/commands.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { CommandContext } from '../../kernel/service/command-handler.js';
import { handleCommand, type Rehydrated } from '../../kernel/store/index.js';
import * as z from '../../kernel/zod.js';
import {
  ChargePayment,
  createPaymentDecider,
  type PaymentCommand,
  type PaymentState,
  type ProviderOutcome,
  paymentStreamId,
  RefundPayment,
} from '../domain/index.js';
import { type TokenVault, tokenVaultFromEnvironment } from '../token-vault.js';
import { PaymentDeclinedError } from './errors.js';
import { guardedPaymentProvider, type PaymentProviderClient } from './provider-adapter.js';

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
  z.extend(ChargePayment, {
    data: z.strictObject(z.omit(ChargePayment.shape.data, { paymentToken: true }).shape),
  }),
  RefundPayment,
]);
export type PaymentsRequest = z.infer<typeof paymentsRequestSchema>;

export function parseRequest(input: unknown): PaymentsRequest {
  return parseWith(paymentsRequestSchema, input, 'payments');
}

/** The decider only needs the provider's answer when the payment has none: the handler asked it before. */
const evolveOnly = createPaymentDecider({
  charge: () => {
    throw new Error('the payment state is loaded with evolve only');
  },
});

/**
 * One stream per order's payment (`payment#<orderId>`): load → ask the provider (over HTTP, through the
 * adapter, only while the payment has no outcome and there is a token) → decide with its answer → append.
 * A ChargePayment takes the order's token from the vault and, once the payment has an outcome (charged or
 * declined, now or before), deletes it: it has served. An outage keeps it for the saga's retry. A
 * ChargePayment whose outcome is a decline throws PaymentDeclinedError after the decline is recorded (see
 * errors.ts); an outage (or a timeout) throws the domain's ProviderUnavailableError before anything is
 * written.
 */
export function paymentsExecutor(
  providerFor: (tools: CommandContext['tools']) => PaymentProviderClient = (tools) =>
    guardedPaymentProvider(tools),
  vaultFor: (tools: CommandContext['tools']) => TokenVault = (tools) =>
    tokenVaultFromEnvironment({ capture: (c) => tools.captureClient(c) }),
) {
  let provider: PaymentProviderClient | undefined;
  let vault: TokenVault | undefined;
  return async (
    request: PaymentsRequest,
    { store, metadata, tools }: Pick<CommandContext, 'store' | 'metadata' | 'tools'>,
  ): Promise<{ events: readonly DomainEvent[]; result: PaymentResult }> => {
    const { orderId } = request.data;
    const streamId = paymentStreamId(orderId);
    let command: PaymentCommand = request;
    let outcome: ProviderOutcome | undefined;
    let loaded: Rehydrated<PaymentState> | undefined;
    if (request.type === 'ChargePayment') {
      vault ??= vaultFor(tools);
      const paymentToken = await vault.read(orderId);
      command = { ...request, data: { ...request.data, ...(paymentToken ? { paymentToken } : {}) } };
      loaded = await store.rehydrate(streamId, evolveOnly);
      const current = loaded.state;
      if (current.status === 'NONE' && paymentToken) {
        const { paymentId, amount, currency } = request.data;
        provider ??= providerFor(tools);
        // An outage throws ProviderUnavailableError here, before anything is written.
        outcome = await provider.charge({
          orderId,
          amount,
          currency,
          paymentToken,
          idempotencyKey: `${orderId}:${paymentId}`,
        });
      }
    }
    const decider = createPaymentDecider({
      charge: () => {
        // Only reached when the payment had no outcome at load: then the provider was asked above. A
        // concurrent charge that recorded one in between makes the decider answer from the state instead.
        if (!outcome) throw new Error('the payment provider was not asked');
        return outcome;
      },
    });
    const { events, state } = await handleCommand({
      store,
      decider,
      streamId,
      command,
      metadata,
      // The charge's read decides first (one read, not two); a clash with another writer reads afresh.
      ...(loaded ? { loaded } : {}),
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
