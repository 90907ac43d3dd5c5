import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { currency, id, minorUnits, reason } from '../primitives.js';

const paymentRef = { paymentId: id, orderId: id, amount: minorUnits, currency };

export const PaymentChargedV1 = z.object({
  ...paymentRef,
  customerId: id,
  providerReference: z
    .string()
    .check(z.minLength(1), z.maxLength(200), z.describe("The payment provider's charge id")),
});

export const PaymentDeclinedV1 = z.object({
  ...paymentRef,
  reason,
  declineCode: z
    .string()
    .check(z.minLength(1), z.maxLength(100), z.describe('Provider decline code, e.g. card_declined')),
});

export const PaymentFailedV1 = z.object({
  ...paymentRef,
  reason,
  retryable: z
    .boolean()
    .check(z.describe('True for provider outages and timeouts, false for permanent errors')),
});

export const PaymentRefundedV1 = z.object({
  ...paymentRef,
  refundId: id,
  reason,
});

export const paymentsEvents = [
  defineEvent({
    type: 'PaymentCharged',
    service: 'payments',
    description: 'The customer was charged for an order',
    versions: [PaymentChargedV1],
  }),
  defineEvent({
    type: 'PaymentDeclined',
    service: 'payments',
    description: 'The provider declined the charge (a business outcome, not an outage)',
    versions: [PaymentDeclinedV1],
  }),
  defineEvent({
    type: 'PaymentFailed',
    service: 'payments',
    description: 'The charge could not be attempted or completed (provider error, timeout)',
    versions: [PaymentFailedV1],
  }),
  defineEvent({
    type: 'PaymentRefunded',
    service: 'payments',
    description: 'A charge was refunded, wholly or partly (amount is the refunded amount)',
    versions: [PaymentRefundedV1],
  }),
] as const;
