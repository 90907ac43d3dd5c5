import { DomainError } from '../../kernel/domain/errors.js';

/**
 * No shipment could be made for the order (e.g. an unsupported country). Like a payment decline, the outcome
 * IS recorded (ShipmentFailed in the shipment stream and on the bus); the error tells an orchestrating caller
 * (the fulfillment saga) that its step failed for good, so its Catch runs the compensations. A retried
 * CreateShipment throws it again from the recorded state. The name is a string literal so it survives
 * minification (Lambda's errorType).
 */
export class ShipmentFailedError extends DomainError {
  override readonly name = 'ShipmentFailedError';
  readonly code = 'SHIPMENT_FAILED';
  readonly retryable = false;
}

/**
 * The carrier did not answer (a timeout, a refused connection, a 5xx or 429, its URL not discoverable):
 * nothing was recorded and the same CreateShipment may succeed later.
 */
export class CarrierUnavailableError extends DomainError {
  override readonly name = 'CarrierUnavailableError';
  readonly code = 'CARRIER_UNAVAILABLE';
  readonly retryable = true;
}

/** The carrier answered outside the contract (functions/sandbox/contract.ts): not an outage, not retried. */
export class CarrierProtocolError extends DomainError {
  override readonly name = 'CarrierProtocolError';
  readonly code = 'CARRIER_PROTOCOL_ERROR';
  readonly retryable = false;
}
