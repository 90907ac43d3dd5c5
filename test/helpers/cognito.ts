/**
 * Tokens shaped like the ID tokens of the app's Cognito user pool, for tests against the local cloud. The
 * claims are Cognito's (`sub`, `cognito:username`, `cognito:groups`, `email`, `email_verified` as a boolean,
 * `token_use: id`, issuer and audience); the local AppSync decodes a JWT without checking its signature, so
 * the signature part is a placeholder.
 */
export interface IdTokenClaims {
  readonly sub: string;
  readonly email?: string;
  /** @default true when `email` is given */
  readonly emailVerified?: boolean;
  /** @default ['customer'] */
  readonly groups?: readonly string[];
}

const POOL = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local';

export function idToken(claims: IdTokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'local' })}.${part({
    sub: claims.sub,
    iss: POOL,
    aud: 'local-web-client',
    token_use: 'id',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    'cognito:username': claims.sub,
    'cognito:groups': [...(claims.groups ?? ['customer'])],
    ...(claims.email === undefined
      ? {}
      : { email: claims.email, email_verified: claims.emailVerified ?? true }),
  })}.local-signature`;
}
