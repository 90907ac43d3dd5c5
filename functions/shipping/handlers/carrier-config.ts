/** The carrier adapter's environment, set by the shipping stack (no AWS import: synth loads it). */

/** A real carrier's base URL; unset, the adapter discovers the sandbox's (`/commerceforge/<stage>/sandbox/carrier/url`). */
export const CARRIER_URL_ENV = 'CARRIER_URL';
/** One booking call's timeout in ms, shorter than the Commands function's. */
export const CARRIER_TIMEOUT_ENV = 'CARRIER_TIMEOUT_MS';
