import { type CommandMetadata, commandMetadata, parseWith } from '../../kernel/domain/commands.js';
import { OrderPlacedV2 } from '../../kernel/events/catalogue/orders.js';
import { PaymentChargedV1, PaymentRefundedV1 } from '../../kernel/events/catalogue/payments.js';
import * as z from '../../kernel/zod.js';

export { type CommandMetadata, commandMetadata };

/** The catalogue allows 0 minor units; a charge or a refund of nothing is a mistake. */
const positiveAmount = PaymentChargedV1.shape.amount.check(z.gte(1));

export const ChargePayment = z.strictObject({
  type: z.literal('ChargePayment'),
  data: z.strictObject({
    paymentId: PaymentChargedV1.shape.paymentId,
    orderId: PaymentChargedV1.shape.orderId,
    customerId: PaymentChargedV1.shape.customerId,
    amount: positiveAmount,
    currency: PaymentChargedV1.shape.currency,
    // Not from the caller: the handler reads it from the token vault by orderId (absent: expired or never
    // deposited, which declines the charge).
    paymentToken: z.optional(OrderPlacedV2.shape.paymentToken),
  }),
  metadata: commandMetadata,
});

export const RefundPayment = z.strictObject({
  type: z.literal('RefundPayment'),
  data: z.strictObject({
    orderId: PaymentRefundedV1.shape.orderId,
    refundId: PaymentRefundedV1.shape.refundId,
    amount: z
      .optional(positiveAmount)
      .check(z.describe('Minor units to refund; absent refunds whatever is left')),
    reason: PaymentRefundedV1.shape.reason,
  }),
  metadata: commandMetadata,
});

export const paymentCommandSchema = z.discriminatedUnion('type', [ChargePayment, RefundPayment]);

export type PaymentCommand = z.infer<typeof paymentCommandSchema>;
export type ChargePayment = z.infer<typeof ChargePayment>;
export type RefundPayment = z.infer<typeof RefundPayment>;

/** The boundary: anything that is not a well-formed payments command is a ValidationError with zod's issues. */
export function parseCommand(input: unknown): PaymentCommand {
  return parseWith(paymentCommandSchema, input, 'payments');
}
