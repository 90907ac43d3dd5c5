/** The payment provider adapter's environment, set by the payments stack (no AWS import: synth loads it). */

/** A real provider's base URL; unset, the adapter discovers the sandbox's (`/commerceforge/<stage>/sandbox/payment-provider/url`). */
export const PAYMENT_PROVIDER_URL_ENV = 'PAYMENT_PROVIDER_URL';
/** One charge call's timeout in ms, shorter than the Commands function's. */
export const PAYMENT_PROVIDER_TIMEOUT_ENV = 'PAYMENT_PROVIDER_TIMEOUT_MS';
