/**
 * TOTP MFA for a pool's users, as Cognito does it: AssociateSoftwareToken gives a new secret (the user adds it to
 * an authenticator app), VerifySoftwareToken checks a first code from it, SetUserMFAPreference (the user, with
 * an access token) or AdminSetUserMFAPreference (an operator) turns it on; sign-in then asks for a code
 * (SOFTWARE_TOKEN_MFA, see sign-in.ts). Signed-in calls are authorized by the user's access token from the pool.
 */
import { CognitoError } from './errors.js';
import type { PoolUser, UserPool } from './pools.js';
import { verifyToken } from './tokens.js';
import { matchTotp, newTotpSecret } from './totp.js';

export interface MfaSettings {
  readonly Enabled?: boolean | undefined;
  readonly PreferredMfa?: boolean | undefined;
}

const invalidToken = () => new CognitoError('NotAuthorizedException', 'Invalid Access Token');

/** The user an access token of one of `pools` was issued to. */
export function userOfAccessToken(
  pools: ReadonlyMap<string, UserPool>,
  token: string,
  now = Date.now(),
): { pool: UserPool; user: PoolUser } {
  const checked = verifyToken(pools, token, now);
  if (!checked.ok || checked.claims.token_use !== 'access') throw invalidToken();
  const user = checked.pool.users.get(String(checked.claims.username));
  if (!user || user.sub !== checked.claims.sub) throw invalidToken();
  return { pool: checked.pool, user };
}

export function associateSoftwareToken(user: PoolUser): { SecretCode: string } {
  // A new association replaces the old secret; MFA stays on only once the new one is verified again.
  const secret = newTotpSecret();
  user.softwareToken = { secret, verified: false, enabled: false, preferred: false };
  user.modifiedAt = Date.now();
  return { SecretCode: secret };
}

export function verifySoftwareToken(user: PoolUser, code: string, now = Date.now()): { Status: 'SUCCESS' } {
  const token = user.softwareToken;
  if (!token)
    throw new CognitoError('InvalidParameterException', 'No software token is associated with this user.');
  const step = matchTotp(token.secret, code, token.usedStep, now);
  if (step === undefined)
    // What Cognito answers a wrong first code (a wrong code at sign-in is CodeMismatchException).
    throw new CognitoError(
      'EnableSoftwareTokenMFAException',
      'Code mismatch and fail enable Software Token MFA',
    );
  token.verified = true;
  token.usedStep = step;
  user.modifiedAt = now;
  return { Status: 'SUCCESS' };
}

export function setMfaPreference(pool: UserPool, user: PoolUser, settings: MfaSettings | undefined): void {
  if (!settings) return;
  if (pool.mfa === 'OFF')
    throw new CognitoError('InvalidParameterException', 'MFA is not enabled for this user pool.');
  const token = user.softwareToken;
  if (settings.Enabled || settings.PreferredMfa) {
    if (!token?.verified)
      throw new CognitoError('InvalidParameterException', 'User has not verified software token mfa');
    token.enabled = true;
    token.preferred = settings.PreferredMfa ?? token.preferred;
  } else if (token && settings.Enabled === false) {
    token.enabled = false;
    token.preferred = false;
  }
  user.modifiedAt = Date.now();
}

/** The MFA part of GetUser / AdminGetUser. */
export function mfaDescription(user: PoolUser): Record<string, unknown> {
  const token = user.softwareToken;
  if (!token?.enabled) return { UserMFASettingList: [] };
  return {
    UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
    ...(token.preferred ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' } : {}),
  };
}

/** The pool's second factor is TOTP only (the template's `MfaConfiguration` with software tokens). */
export function refuseOtherFactors(settings: {
  SMSMfaSettings?: { Enabled?: boolean | undefined } | undefined;
  EmailMfaSettings?: { Enabled?: boolean | undefined } | undefined;
}): void {
  if (settings.SMSMfaSettings?.Enabled || settings.EmailMfaSettings?.Enabled)
    throw new CognitoError('InvalidParameterException', 'The local Cognito emulates TOTP MFA only.');
}
