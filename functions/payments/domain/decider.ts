import type { Decider } from '../../kernel/domain/decider.js';
import type { PaymentCommand } from './commands.js';
import { decideWith } from './decide.js';
import { type PaymentProvider, simulatedProvider } from './provider.js';
import { evolve, initialState, type PaymentFact, type PaymentState } from './state.js';

/** One stream per order's payment. */
export const paymentStreamId = (orderId: string): string => `payment#${orderId}`;

/** The payment decider over a provider port; pure as long as the provider is. */
export function createPaymentDecider(
  provider: PaymentProvider,
): Decider<PaymentCommand, PaymentState, PaymentFact> {
  return { initialState, decide: decideWith(provider), evolve };
}

/** The decider with the simulated provider (tok_visa / tok_decline / tok_error). */
export const paymentDecider = createPaymentDecider(simulatedProvider);
