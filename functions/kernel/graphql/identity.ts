import type { Actor } from '../events/envelope.js';

/**
 * Who called a resolver, from AppSync's `ctx.identity`:
 * - `developer`: an API key (the dev stage and the local cloud only). There is no person behind a key, so it
 *   is treated as a trusted developer: admin operations allowed, any customer's orders readable. Prod has
 *   no API key, so this never happens there.
 * - `user`: a Cognito user pool token. The user's id is the token's `sub` (registerUser by a signed-in user
 *   registers that id), groups from `cognito:groups`.
 * - `service`: an IAM (SigV4) caller — another service or a script with a role.
 */
export type Caller =
  | { readonly kind: 'developer' }
  | { readonly kind: 'user'; readonly userId: string; readonly groups: readonly string[] }
  | { readonly kind: 'service'; readonly id: string };

export const ADMIN_GROUP = 'admin';
export const CUSTOMER_GROUP = 'customer';

export function callerOf(identity: unknown): Caller {
  if (!identity || typeof identity !== 'object') return { kind: 'developer' };
  const id = identity as Record<string, unknown>;
  if (typeof id.sub === 'string' && id.sub) {
    const claims = (id.claims ?? {}) as Record<string, unknown>;
    const raw = id.groups ?? claims['cognito:groups'];
    const groups = Array.isArray(raw) ? raw.map(String) : [];
    return { kind: 'user', userId: id.sub, groups };
  }
  const arn = typeof id.userArn === 'string' ? id.userArn : undefined;
  const name = typeof id.username === 'string' ? id.username : undefined;
  return { kind: 'service', id: arn ?? name ?? 'iam' };
}

export function isAdmin(caller: Caller): boolean {
  return caller.kind !== 'user' || caller.groups.includes(ADMIN_GROUP);
}

/** The actor a command is issued as: a person is a `user`; a key or a role acts as a system/service. */
export function actorOf(caller: Caller): Actor {
  switch (caller.kind) {
    case 'developer':
      return { type: 'system', id: 'graphql-api-key' };
    case 'user':
      return { type: 'user', id: caller.userId };
    case 'service':
      return { type: 'service', id: caller.id.slice(0, 256) };
  }
}

/** The audit trail's principal (ids only). */
export function principalOf(caller: Caller): { type: 'user' | 'service' | 'anonymous'; id: string } {
  switch (caller.kind) {
    case 'developer':
      return { type: 'service', id: 'graphql-api-key' };
    case 'user':
      return { type: 'user', id: caller.userId };
    case 'service':
      return { type: 'service', id: caller.id.slice(0, 128) };
  }
}
