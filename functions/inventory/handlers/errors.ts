import { DomainError } from '../../kernel/domain/errors.js';

/**
 * Stock could not be reserved for the order (a SKU unknown or short). Unlike a refused command, the failure
 * IS recorded (StockReservationFailed is in the reservation stream, and on the bus): the error only tells an
 * orchestrating caller (the fulfillment saga) that its step failed for good, so its Catch runs the
 * compensations. A retried ReserveStock of that order throws it again from the recorded state, whatever the
 * stock is by then. The name is a string literal so it survives minification (Lambda's errorType, what a
 * Step Functions Catch matches). Same shape as payments' PaymentDeclinedError.
 */
export class StockReservationFailedError extends DomainError {
  override readonly name = 'StockReservationFailedError';
  readonly code = 'STOCK_RESERVATION_FAILED';
  readonly retryable = false;
}
