/** What the provider is asked to charge. The token is the provider's (tok_...), never card data. */
export interface ChargeRequest {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly paymentToken: string;
}

/** The provider's answer. An outage is an answer too: `unavailable`, which the decider turns into a retryable error. */
export type ProviderOutcome =
  | { readonly status: 'approved'; readonly providerReference: string }
  | { readonly status: 'declined'; readonly declineCode: string; readonly reason: string }
  | { readonly status: 'unavailable'; readonly reason: string };

/**
 * The payment provider port. The decider consults it only when the order has no charge attempt yet, so a
 * retried ChargePayment never reaches the provider twice. It is synchronous because the decider is: the
 * provider (over HTTP, handlers/provider-adapter.ts) is called by the handler first, for an order whose
 * state is NONE, and its outcome handed in as `{ charge: () => outcome }`. The simulated provider (the same
 * answers as the sandbox's `ok` mode) is pure, so the domain's tests plug it in directly.
 */
export interface PaymentProvider {
  readonly charge: (request: ChargeRequest) => ProviderOutcome;
}

/**
 * The simulated provider (README, Sandbox providers): `tok_visa` approves, `tok_decline` declines, `tok_error` fails as an
 * outage would, anything else is declined as an invalid token. The reference is derived from the order, so
 * the same charge gets the same reference however often it is simulated.
 */
export function simulateProvider(paymentToken: string, orderId: string): ProviderOutcome {
  switch (paymentToken) {
    case 'tok_visa':
      return { status: 'approved', providerReference: `sim_ch_${orderId}` };
    case 'tok_decline':
      return { status: 'declined', declineCode: 'card_declined', reason: 'The card was declined' };
    case 'tok_error':
      return { status: 'unavailable', reason: 'The payment provider is unavailable' };
    default:
      return { status: 'declined', declineCode: 'invalid_token', reason: 'The payment token is not valid' };
  }
}

export const simulatedProvider: PaymentProvider = {
  charge: (request) => simulateProvider(request.paymentToken, request.orderId),
};
