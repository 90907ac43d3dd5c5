/** The sandbox function's environment, set by lib/stacks/sandbox-stack.ts (no AWS import: synth loads it). */

/** Which provider the function plays: `payment-provider` or `carrier`. */
export const SANDBOX_PROVIDER_ENV = 'SANDBOX_PROVIDER';
/** How late a `slow` answer comes, in ms: set by the stack above the adapters' timeouts. */
export const SANDBOX_SLOW_MS_ENV = 'SANDBOX_SLOW_ANSWER_MS';
/** The table of answered idempotency keys (idempotency.ts). */
export const SANDBOX_TABLE_ENV = 'SANDBOX_IDEMPOTENCY_TABLE';
export const SANDBOX_TABLE_KEY = 'key';
export const SANDBOX_TABLE_TTL = 'expiresAt';
