/**
 * The payment provider over HTTP: one function, `charge`, per outbound call (what a circuit breaker wraps).
 * It answers approved or declined, or throws `ProviderUnavailableError` (the domain's retryable error, code
 * PROVIDER_UNAVAILABLE) when the provider does not answer: a timeout, a refused connection, a 5xx or 429,
 * or the URL could not be discovered. An answer outside the contract is `ProviderProtocolError`: not an
 * outage, and not retried.
 *
 * The idempotency key names the charge (order and payment ids), so a retried ChargePayment whose first call
 * reached the provider gets the provider's first answer again, never a second charge.
 */
import { discover } from '../../kernel/discovery.js';
import type { HandlerTools } from '../../kernel/observability.js';
import { OutboundUnavailableError, postJson } from '../../kernel/outbound.js';
import { circuitBreakerFromEnvironment } from '../../kernel/resilience/index.js';
import {
  CHARGES_PATH,
  type ChargeResponseBody as ChargeAnswer,
  ChargeResponseBody,
  IDEMPOTENCY_KEY_HEADER,
  sandboxParameter,
} from '../../sandbox/contract.js';
import { type ChargeRequest, ProviderUnavailableError } from '../domain/index.js';
import { ProviderProtocolError } from './errors.js';
import { PAYMENT_PROVIDER_TIMEOUT_ENV, PAYMENT_PROVIDER_URL_ENV } from './provider-config.js';

export interface ChargeCall extends ChargeRequest {
  readonly idempotencyKey: string;
}

/** What the handler needs of a provider: an answer (approved / declined), or a thrown outage. */
export interface PaymentProviderClient {
  charge(request: ChargeCall): Promise<ChargeAnswer>;
}

export interface HttpPaymentProviderOptions {
  /** The provider's base URL, or where to find it. */
  readonly url: () => Promise<string>;
  readonly timeoutMs: number;
  /** Sign with SigV4 (the sandbox's function URL is AWS_IAM). */
  readonly signed: boolean;
  readonly fetch?: typeof fetch;
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 2_000;

export function httpPaymentProvider(options: HttpPaymentProviderOptions): PaymentProviderClient {
  return {
    async charge({ idempotencyKey, ...request }) {
      const unavailable = (reason: string, cause: unknown) =>
        new ProviderUnavailableError(
          `The payment provider is unavailable: ${reason}`,
          { orderId: request.orderId },
          { cause },
        );
      let answer: Awaited<ReturnType<typeof postJson>>;
      try {
        answer = await postJson({
          baseUrl: await options.url(),
          path: CHARGES_PATH,
          body: request,
          headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
          timeoutMs: options.timeoutMs,
          ...(options.signed ? { signAs: 'lambda' as const } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
      } catch (error) {
        if (error instanceof OutboundUnavailableError) throw unavailable(error.message, error);
        throw unavailable((error as Error).message, error);
      }
      const parsed = ChargeResponseBody.safeParse(answer.json);
      const expected = parsed.success && (parsed.data.status === 'approved' ? 200 : 402) === answer.status;
      if (!parsed.success || !expected) {
        throw new ProviderProtocolError(
          `the payment provider answered ${answer.status} outside the contract`,
          {
            orderId: request.orderId,
            status: answer.status,
          },
        );
      }
      return parsed.data;
    },
  };
}

/**
 * The deployment's provider: PAYMENT_PROVIDER_URL when configured (a real provider, called as is), else the
 * sandbox found through service discovery and called as IAM.
 */
export function paymentProviderFromEnvironment(env: NodeJS.ProcessEnv = process.env): PaymentProviderClient {
  const configured = env[PAYMENT_PROVIDER_URL_ENV];
  const timeoutMs = Number(env[PAYMENT_PROVIDER_TIMEOUT_ENV]) || DEFAULT_PROVIDER_TIMEOUT_MS;
  return httpPaymentProvider({
    url: configured
      ? async () => configured
      : () => discover('sandbox', sandboxParameter('payment-provider', 'url')),
    timeoutMs,
    signed: !configured,
  });
}

/**
 * The provider behind the `payment-provider` circuit breaker (functions/kernel/resilience/): what the
 * Commands function calls. An outage, a timeout or an answer outside the contract counts as a failure; a
 * decline is an answer, so it counts as a success. While the circuit is open no call leaves: the charge throws
 * CircuitOpenError (nothing written, the token kept), which the saga retries until the open timeout has passed.
 */
export function guardedPaymentProvider(
  tools: Pick<HandlerTools, 'logger' | 'metrics' | 'captureClient'>,
  client: PaymentProviderClient = paymentProviderFromEnvironment(),
): PaymentProviderClient {
  const breaker = circuitBreakerFromEnvironment('payment-provider', {
    logger: tools.logger,
    metrics: tools.metrics,
    capture: (c) => tools.captureClient(c),
    isFailure: (error) => error instanceof ProviderUnavailableError || error instanceof ProviderProtocolError,
  });
  return { charge: (call) => breaker.call(() => client.charge(call)) };
}
