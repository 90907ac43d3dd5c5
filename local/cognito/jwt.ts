/**
 * RS256 JSON Web Tokens, signed and verified with node:crypto. Hand-written: no JWT package is installed in
 * this project (jose, aws-jwt-verify), and the subset Cognito uses is small: a JOSE header `{alg: RS256, kid}`,
 * a JSON payload, a PKCS#1 v1.5 SHA-256 signature over `header.payload`, keys published as a JWKS.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from 'node:crypto';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** The JWKS entry of a public key, as Cognito publishes it. */
export interface Jwk {
  readonly kid: string;
  readonly alg: 'RS256';
  readonly kty: 'RSA';
  readonly use: 'sig';
  readonly n: string;
  readonly e: string;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicKey };
}

export function jwkOf(key: SigningKey): Jwk {
  const { n, e } = key.publicKey.export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') throw new Error('not an RSA public key');
  return { kid: key.kid, alg: 'RS256', kty: 'RSA', use: 'sig', n, e };
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(key: SigningKey, payload: Record<string, unknown>): string {
  const signingInput = `${part({ kid: key.kid, alg: 'RS256' })}.${part(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Why a token is refused: for the endpoint's log and tests, never for the caller (AppSync says 401 only). */
export type JwtRefusal = 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE';

/**
 * The payload of `token` when its header names RS256 and a key `keyOf` knows, and the signature is that
 * key's. Claims (issuer, audience, expiry) are the caller's to check.
 */
export function verifyJwtSignature(
  token: string,
  keyOf: (kid: string) => KeyObject | undefined,
): { payload: Record<string, unknown> } | { refused: JwtRefusal } {
  const parts = token.split('.');
  if (parts.length !== 3) return { refused: 'MALFORMED' };
  const [head = '', body = '', signature = ''] = parts;
  const header = parseJson(head);
  const payload = parseJson(body);
  // alg is pinned: "none" and HS256 (a public key used as an HMAC secret) are the classic forgeries.
  if (!header || !payload || header.alg !== 'RS256' || typeof header.kid !== 'string')
    return { refused: 'MALFORMED' };
  const key = keyOf(header.kid);
  if (!key) return { refused: 'UNKNOWN_KEY' };
  const ok = verify('sha256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'));
  return ok ? { payload } : { refused: 'BAD_SIGNATURE' };
}

/** A public key from a JWK (a JWKS read from elsewhere). */
export const publicKeyOf = (jwk: Jwk): KeyObject => createPublicKey({ key: { ...jwk }, format: 'jwk' });

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
