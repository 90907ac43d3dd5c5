/**
 * The HTTP contract between CommerceForge's adapters and a payment provider or carrier: what the bundled
 * sandbox (handler.ts) serves and what a real provider put behind the adapters by configuration must speak.
 * One schema per body, used by both sides.
 */
import * as z from '../kernel/zod.js';

/** The dependencies the sandbox simulates: the names of their SSM parameters and of their breakers. */
export const SANDBOX_PROVIDERS = ['payment-provider', 'carrier'] as const;
export type SandboxProvider = (typeof SANDBOX_PROVIDERS)[number];

/** `ok`: the tokens and countries decide; `outage`: every call fails as an outage; `slow`: answers late. */
export const SANDBOX_MODES = ['ok', 'outage', 'slow'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** The discovery names the sandbox publishes, per provider (`/commerceforge/<stage>/sandbox/<provider>/...`). */
export const sandboxParameter = (provider: SandboxProvider, name: 'mode' | 'url') => `${provider}/${name}`;

/** The header a caller names its attempt with: the same key is the same charge or booking, answered once. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const idempotencyKey = z.string().check(z.regex(/^[A-Za-z0-9:_#-]{1,255}$/));

export const CHARGES_PATH = '/v1/charges';
export const SHIPMENTS_PATH = '/v1/shipments';

export const ChargeRequestBody = z.strictObject({
  orderId: z.string().check(z.minLength(1), z.maxLength(128)),
  amount: z.number().check(z.int(), z.gte(1), z.lte(2_147_483_647)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  paymentToken: z.string().check(z.minLength(1), z.maxLength(255)),
});
export type ChargeRequestBody = z.infer<typeof ChargeRequestBody>;

export const ChargeResponseBody = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('approved'),
    providerReference: z.string().check(z.minLength(1), z.maxLength(255)),
  }),
  z.object({
    status: z.literal('declined'),
    declineCode: z.string().check(z.minLength(1), z.maxLength(64)),
    reason: z.string().check(z.maxLength(500)),
  }),
]);
export type ChargeResponseBody = z.infer<typeof ChargeResponseBody>;

export const ShipmentRequestBody = z.strictObject({
  shipmentId: z.string().check(z.minLength(1), z.maxLength(128)),
  orderId: z.string().check(z.minLength(1), z.maxLength(128)),
  country: z.string().check(z.regex(/^[A-Z]{2}$/)),
  parcels: z.number().check(z.int(), z.gte(1), z.lte(1000)),
});
export type ShipmentRequestBody = z.infer<typeof ShipmentRequestBody>;

export const ShipmentResponseBody = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('accepted'),
    carrier: z.string().check(z.minLength(1), z.maxLength(64)),
    reference: z.string().check(z.minLength(1), z.maxLength(255)),
  }),
  z.object({
    status: z.literal('rejected'),
    code: z.enum(['UNSUPPORTED_COUNTRY', 'INVALID_ADDRESS']),
    reason: z.string().check(z.maxLength(500)),
  }),
]);
export type ShipmentResponseBody = z.infer<typeof ShipmentResponseBody>;

/** Status codes: an answer (200 approved/accepted, 402 declined, 422 rejected), or not (503, 5xx, 429). */
export const ANSWER_STATUS = { approved: 200, accepted: 200, declined: 402, rejected: 422 } as const;

export const idempotencyKeySchema = idempotencyKey;
