/**
 * What the sandbox answers, decided purely from the mode and the request (handler.ts does the I/O): in `ok`
 * mode the payment tokens keep their meaning (README, Sandbox providers: `tok_visa` approves, `tok_decline` declines,
 * `tok_error` fails as an outage) and the carrier serves the countries shipping always served.
 */
import type {
  ChargeRequestBody,
  ChargeResponseBody,
  SandboxMode,
  ShipmentRequestBody,
  ShipmentResponseBody,
} from './contract.js';

/** The sandbox carrier's countries: shipping's default ones (`DEFAULT_SUPPORTED_COUNTRIES`, shipping-stack.ts). */
export const SANDBOX_CARRIER_COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'NL'] as const;
export const SANDBOX_CARRIER_NAME = 'SimPost';

/** Not an answer: the call fails as an outage would (503). */
export interface Outage {
  readonly status: 'unavailable';
  readonly reason: string;
}

export function simulateCharge(mode: SandboxMode, request: ChargeRequestBody): ChargeResponseBody | Outage {
  if (mode === 'outage')
    return { status: 'unavailable', reason: 'The payment provider is unavailable (sandbox outage mode)' };
  switch (request.paymentToken) {
    case 'tok_visa':
      return { status: 'approved', providerReference: `sim_ch_${request.orderId}` };
    case 'tok_decline':
      return { status: 'declined', declineCode: 'card_declined', reason: 'The card was declined' };
    case 'tok_error':
      return { status: 'unavailable', reason: 'The payment provider is unavailable' };
    default:
      return { status: 'declined', declineCode: 'invalid_token', reason: 'The payment token is not valid' };
  }
}

export function simulateShipment(
  mode: SandboxMode,
  request: ShipmentRequestBody,
): ShipmentResponseBody | Outage {
  if (mode === 'outage')
    return { status: 'unavailable', reason: 'The carrier is unavailable (sandbox outage mode)' };
  if (!(SANDBOX_CARRIER_COUNTRIES as readonly string[]).includes(request.country)) {
    return {
      status: 'rejected',
      code: 'UNSUPPORTED_COUNTRY',
      reason: `${SANDBOX_CARRIER_NAME} does not ship to ${request.country} (it ships to ${SANDBOX_CARRIER_COUNTRIES.join(', ')})`,
    };
  }
  return { status: 'accepted', carrier: SANDBOX_CARRIER_NAME, reference: `sim_sh_${request.shipmentId}` };
}
