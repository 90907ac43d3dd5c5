/**
 * The carrier over HTTP: one function, `book`, per outbound call (what a circuit breaker wraps). It answers
 * accepted or rejected (a country the carrier does not serve), or throws `CarrierUnavailableError` (code
 * CARRIER_UNAVAILABLE, retryable) when the carrier does not answer: a timeout, a refused connection, a 5xx
 * or 429, or its URL could not be discovered. The idempotency key is the shipment id: a retried
 * CreateShipment books once.
 */
import { discover } from '../../kernel/discovery.js';
import type { HandlerTools } from '../../kernel/observability.js';
import { postJson } from '../../kernel/outbound.js';
import { circuitBreakerFromEnvironment } from '../../kernel/resilience/index.js';
import {
  IDEMPOTENCY_KEY_HEADER,
  SHIPMENTS_PATH,
  type ShipmentRequestBody,
  ShipmentResponseBody,
  sandboxParameter,
} from '../../sandbox/contract.js';
import type { CarrierBooking } from '../domain/index.js';
import { CARRIER_TIMEOUT_ENV, CARRIER_URL_ENV } from './carrier-config.js';
import { CarrierProtocolError, CarrierUnavailableError } from './errors.js';

/** What the handler needs of a carrier: its answer to a booking, or a thrown outage. */
export interface CarrierClient {
  book(request: ShipmentRequestBody): Promise<CarrierBooking>;
}

export interface HttpCarrierOptions {
  readonly url: () => Promise<string>;
  readonly timeoutMs: number;
  /** Sign with SigV4 (the sandbox's function URL is AWS_IAM). */
  readonly signed: boolean;
  readonly fetch?: typeof fetch;
}

export const DEFAULT_CARRIER_TIMEOUT_MS = 2_000;

export function httpCarrier(options: HttpCarrierOptions): CarrierClient {
  return {
    async book(request) {
      let answer: Awaited<ReturnType<typeof postJson>>;
      try {
        answer = await postJson({
          baseUrl: await options.url(),
          path: SHIPMENTS_PATH,
          body: request,
          headers: { [IDEMPOTENCY_KEY_HEADER]: request.shipmentId },
          timeoutMs: options.timeoutMs,
          ...(options.signed ? { signAs: 'lambda' as const } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
      } catch (error) {
        throw new CarrierUnavailableError(
          `The carrier is unavailable: ${(error as Error).message}`,
          { orderId: request.orderId, shipmentId: request.shipmentId },
          { cause: error },
        );
      }
      const parsed = ShipmentResponseBody.safeParse(answer.json);
      const expected = parsed.success && (parsed.data.status === 'accepted' ? 200 : 422) === answer.status;
      if (!parsed.success || !expected) {
        throw new CarrierProtocolError(`the carrier answered ${answer.status} outside the contract`, {
          orderId: request.orderId,
          status: answer.status,
        });
      }
      return parsed.data;
    },
  };
}

/** CARRIER_URL when configured (a real carrier, called as is), else the sandbox found through discovery. */
export function carrierFromEnvironment(env: NodeJS.ProcessEnv = process.env): CarrierClient {
  const configured = env[CARRIER_URL_ENV];
  return httpCarrier({
    url: configured ? async () => configured : () => discover('sandbox', sandboxParameter('carrier', 'url')),
    timeoutMs: Number(env[CARRIER_TIMEOUT_ENV]) || DEFAULT_CARRIER_TIMEOUT_MS,
    signed: !configured,
  });
}

/**
 * The carrier behind the `carrier` circuit breaker (functions/kernel/resilience/): what the Commands function
 * books with. An outage, a timeout or an answer outside the contract counts as a failure; a rejection is an
 * answer. While the circuit is open no call leaves: the booking throws CircuitOpenError (nothing written),
 * which the saga retries until the open timeout has passed.
 */
export function guardedCarrier(
  tools: Pick<HandlerTools, 'logger' | 'metrics' | 'captureClient'>,
  client: CarrierClient = carrierFromEnvironment(),
): CarrierClient {
  const breaker = circuitBreakerFromEnvironment('carrier', {
    logger: tools.logger,
    metrics: tools.metrics,
    capture: (c) => tools.captureClient(c),
    isFailure: (error) => error instanceof CarrierUnavailableError || error instanceof CarrierProtocolError,
  });
  return { book: (call) => breaker.call(() => client.book(call)) };
}
