import type { Actor } from '../events/envelope.js';

/**
 * Who called a resolver, from AppSync's `ctx.identity`:
 * - `developer`: an API key (the dev stage and the local cloud only). There is no person behind a key, so it
 *   is treated as a trusted developer: admin operations allowed, any customer's orders readable. Prod has
 *   no API key, so this never happens there.
 * - `user`: a Cognito user pool token. The user's id is the token's `sub` (registerUser by a signed-in user
 *   registers that id), groups from `cognito:groups`, the address from the ID token's `email` and
 *   `email_verified` claims (an access token has neither).
 * - `service`: an IAM (SigV4) caller — another service or a script with a role. It is an admin only when its
 *   role is in the stage's allow-list (`ADMIN_ROLE_ARNS`); being IAM gives no rights over customers' data.
 */
export type Caller =
  | { readonly kind: 'developer' }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly groups: readonly string[];
      /** The token's `email` claim, when it has one. */
      readonly email?: string;
      /** The token's `email_verified` claim is true (Cognito writes a boolean; "true" is accepted too). */
      readonly emailVerified: boolean;
    }
  | { readonly kind: 'service'; readonly id: string; readonly admin: boolean };

export const ADMIN_GROUP = 'admin';
export const CUSTOMER_GROUP = 'customer';

/** The IAM principals that are admins: role (or user) ARNs, comma-separated. Set by the Api stack from config. */
export const ADMIN_ROLE_ARNS_ENV = 'ADMIN_ROLE_ARNS';

/** The allow-list as the Api stack writes it into `ADMIN_ROLE_ARNS`. */
export function adminRoleArnsFrom(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
}

export function callerOf(identity: unknown, adminRoleArns: readonly string[] = []): Caller {
  if (!identity || typeof identity !== 'object') return { kind: 'developer' };
  const id = identity as Record<string, unknown>;
  if (typeof id.sub === 'string' && id.sub) {
    const claims = (id.claims ?? {}) as Record<string, unknown>;
    const raw = id.groups ?? claims['cognito:groups'];
    const groups = Array.isArray(raw) ? raw.map(String) : [];
    const email = typeof claims.email === 'string' && claims.email ? { email: claims.email } : {};
    const verified = claims.email_verified === true || claims.email_verified === 'true';
    return { kind: 'user', userId: id.sub, groups, ...email, emailVerified: verified };
  }
  const arn = typeof id.userArn === 'string' ? id.userArn : undefined;
  const name = typeof id.username === 'string' ? id.username : undefined;
  const admin = arn !== undefined && isAllowListed(arn, adminRoleArns);
  return { kind: 'service', id: arn ?? name ?? 'iam', admin };
}

/**
 * Whether an IAM caller's ARN names an allow-listed principal. AppSync gives a role's caller as its session
 * (`arn:aws:sts::<account>:assumed-role/<name>/<session>`), which carries neither the role's path nor
 * anything but its name: a role name is unique in its account, so partition, account and name decide.
 */
export function isAllowListed(callerArn: string, allowList: readonly string[]): boolean {
  const key = principalKey(callerArn);
  return key !== undefined && allowList.some((entry) => principalKey(entry) === key);
}

function principalKey(arn: string): string | undefined {
  const session = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (session) return `${session[1]}:${session[2]}:role/${session[3]}`;
  const principal = /^arn:([\w-]+):iam::(\d{12}):(role|user)\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  if (principal) return `${principal[1]}:${principal[2]}:${principal[3]}/${principal[4]}`;
  return undefined;
}

/** The API key (a developer), a Cognito user in the admin group, or an allow-listed IAM role. */
export function isAdmin(caller: Caller): boolean {
  switch (caller.kind) {
    case 'developer':
      return true;
    case 'user':
      return caller.groups.includes(ADMIN_GROUP);
    case 'service':
      return caller.admin;
  }
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
