import { uuidV5 } from '../kernel/ids.js';

/**
 * Order ids for idempotent placement: the same (customerId, idempotencyKey) always names the same order
 * stream, so a repeated placeOrder lands on the existing order and `decide` emits nothing. A name-based
 * UUID (the kernel's `uuidV5`) rather than a plain hash so the id looks like every other id.
 */

/** Namespace of CommerceForge order ids (a fixed random UUID: changing it renames every order). */
export const ORDER_ID_NAMESPACE = '0f0b5a8e-6c2d-4b7e-9a55-3c1d2e4f6a70';

/** JSON of the pair, so ('a:b', 'c') and ('a', 'b:c') cannot collide. */
export function orderIdFor(customerId: string, idempotencyKey: string): string {
  return uuidV5(ORDER_ID_NAMESPACE, JSON.stringify([customerId, idempotencyKey]));
}
