import { DomainError } from '../../kernel/domain/errors.js';

/**
 * The provider declined the charge. Unlike a refused command, the decline IS recorded (PaymentDeclined is in
 * the payment stream, and on the bus): the error only tells an orchestrating caller (the fulfillment saga)
 * that its step failed for good, so its Catch runs the compensations. A retried ChargePayment of a declined
 * order throws it again from the recorded state, without asking the provider. The name is a string literal
 * so it survives minification (Lambda's errorType, what a Step Functions Catch matches).
 */
export class PaymentDeclinedError extends DomainError {
  override readonly name = 'PaymentDeclinedError';
  readonly code = 'PAYMENT_DECLINED';
  readonly retryable = false;
}

/**
 * The payment provider answered, but outside the contract (functions/sandbox/contract.ts): an unknown status
 * or body, a reused idempotency key. Nothing is recorded; not an outage, so not retried: the saga compensates.
 */
export class ProviderProtocolError extends DomainError {
  override readonly name = 'ProviderProtocolError';
  readonly code = 'PROVIDER_PROTOCOL_ERROR';
  readonly retryable = false;
}
