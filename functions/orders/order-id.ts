import { createHash } from 'node:crypto';

/**
 * Order ids for idempotent placement: the same (customerId, idempotencyKey) always names the same order
 * stream, so a repeated placeOrder lands on the existing order and `decide` emits nothing. A name-based
 * UUID (RFC 9562 version 5, SHA-1) rather than a plain hash so the id looks like every other id.
 * Outside domain/ because it needs node:crypto; it is still pure (no clock, no randomness).
 */

/** Namespace of CommerceForge order ids (a fixed random UUID: changing it renames every order). */
export const ORDER_ID_NAMESPACE = '0f0b5a8e-6c2d-4b7e-9a55-3c1d2e4f6a70';

export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace must be a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON of the pair, so ('a:b', 'c') and ('a', 'b:c') cannot collide. */
export function orderIdFor(customerId: string, idempotencyKey: string): string {
  return uuidV5(ORDER_ID_NAMESPACE, JSON.stringify([customerId, idempotencyKey]));
}
