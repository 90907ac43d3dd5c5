/**
 * The tokens a user pool issues and how a relying party (the local AppSync) checks them, as Cognito and
 * aws-jwt-verify do: RS256 signature by a key of the issuing pool, `iss` that pool's issuer, `token_use` `id`
 * (with `aud` a client of the pool) or `access` (with `client_id` one), `exp` in the future.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { signJwt, verifyJwtSignature } from './jwt.js';
import type { PoolClient, PoolUser, UserPool } from './pools.js';

export interface IssuedTokens {
  readonly IdToken: string;
  readonly AccessToken: string;
  readonly RefreshToken: string;
  readonly ExpiresIn: number;
  readonly TokenType: 'Bearer';
}

/** Attributes that are booleans in an ID token (Cognito keeps them as the strings "true"/"false"). */
const BOOLEAN_CLAIMS = new Set(['email_verified', 'phone_number_verified']);

export function issueTokens(
  pool: UserPool,
  client: PoolClient,
  user: PoolUser,
  now = Date.now(),
): IssuedTokens {
  const iat = Math.floor(now / 1000);
  const originJti = randomUUID();
  const eventId = randomUUID();
  const groups = user.groups.size ? { 'cognito:groups': [...user.groups].sort() } : {};
  const attributes = Object.fromEntries(
    [...user.attributes].map(([name, value]) => [name, BOOLEAN_CLAIMS.has(name) ? value === 'true' : value]),
  );
  const IdToken = signJwt(pool.key, {
    ...attributes,
    sub: user.sub,
    ...groups,
    iss: pool.issuer,
    'cognito:username': user.username,
    origin_jti: originJti,
    aud: client.clientId,
    event_id: eventId,
    token_use: 'id',
    auth_time: iat,
    exp: iat + client.idTokenSeconds,
    iat,
    jti: randomUUID(),
  });
  const AccessToken = signJwt(pool.key, {
    sub: user.sub,
    ...groups,
    iss: pool.issuer,
    client_id: client.clientId,
    origin_jti: originJti,
    event_id: eventId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: iat,
    exp: iat + client.accessTokenSeconds,
    iat,
    jti: randomUUID(),
    username: user.username,
  });
  // Cognito's refresh token is opaque (an encrypted JWE); this one is random and not redeemable locally.
  const RefreshToken = randomBytes(48).toString('base64url');
  return { IdToken, AccessToken, RefreshToken, ExpiresIn: client.idTokenSeconds, TokenType: 'Bearer' };
}

/** Why a token was refused (for tests and the debug log; the caller only ever hears 401). */
export type TokenRefusal =
  | 'MALFORMED'
  | 'UNKNOWN_ISSUER'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'WRONG_TOKEN_USE'
  | 'UNKNOWN_CLIENT';

export type Verification =
  | { readonly ok: true; readonly pool: UserPool; readonly claims: Record<string, unknown> }
  | { readonly ok: false; readonly reason: TokenRefusal };

/** Checks `token` against the pools it may come from (by issuer). */
export function verifyToken(
  pools: ReadonlyMap<string, UserPool>,
  token: string,
  now = Date.now(),
): Verification {
  const [, body = ''] = token.split('.');
  let iss: unknown;
  try {
    iss = (JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  const pool = [...pools.values()].find((candidate) => candidate.issuer === iss);
  if (!pool) return { ok: false, reason: 'UNKNOWN_ISSUER' };
  const checked = verifyJwtSignature(token, (kid) => (kid === pool.key.kid ? pool.key.publicKey : undefined));
  if ('refused' in checked) return { ok: false, reason: checked.refused };
  const claims = checked.payload;
  // The signature covers the payload read above, but read the checked copy: never trust the unchecked one.
  if (claims.iss !== pool.issuer) return { ok: false, reason: 'UNKNOWN_ISSUER' };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return { ok: false, reason: 'EXPIRED' };
  const clientId =
    claims.token_use === 'id' ? claims.aud : claims.token_use === 'access' ? claims.client_id : undefined;
  if (clientId === undefined) return { ok: false, reason: 'WRONG_TOKEN_USE' };
  if (typeof clientId !== 'string' || !pool.clients.has(clientId))
    return { ok: false, reason: 'UNKNOWN_CLIENT' };
  return { ok: true, pool, claims };
}
