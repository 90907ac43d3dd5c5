/**
 * Signing in, as Cognito's InitiateAuth / AdminInitiateAuth and RespondToAuthChallenge /
 * AdminRespondToAuthChallenge do it: USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (the password sent),
 * USER_SRP_AUTH (the password proved: PASSWORD_VERIFIER, see srp.ts), then, for a user with TOTP MFA enabled,
 * the SOFTWARE_TOKEN_MFA challenge before any token. A flow the app client does not allow in its
 * ExplicitAuthFlows is refused as Cognito refuses it. An unknown user and a wrong password get the same answer
 * (SRP included: an unknown user gets a challenge like anyone and fails on the answer).
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { CognitoError, notAuthorized } from './errors.js';
import type { PoolClient, PoolUser, UserPool } from './pools.js';
import { ChallengeSessions } from './sessions.js';
import {
  padHex,
  parseSrpA,
  SRP_TIMESTAMP,
  srpClaimMatches,
  srpPoolName,
  srpServerPair,
  srpVerifier,
} from './srp.js';
import { issueTokens } from './tokens.js';
import { matchTotp } from './totp.js';

const text = z.string().min(1).max(2048);
const passwordParameters = z.object({ USERNAME: text, PASSWORD: z.string().min(1).max(256) });
const srpParameters = z.object({ USERNAME: text, SRP_A: text });
const verifierResponses = z.object({
  USERNAME: text,
  PASSWORD_CLAIM_SECRET_BLOCK: text,
  PASSWORD_CLAIM_SIGNATURE: text,
  TIMESTAMP: z.string().regex(SRP_TIMESTAMP),
});
const mfaResponses = z.object({ USERNAME: text, SOFTWARE_TOKEN_MFA_CODE: z.string().min(1).max(16) });

/** What InitiateAuth and RespondToAuthChallenge answer. */
export type AuthAnswer =
  | { AuthenticationResult: ReturnType<typeof issueTokens>; ChallengeParameters: Record<string, never> }
  | { ChallengeName: string; ChallengeParameters: Record<string, string>; Session?: string };

export type Caller = 'user' | 'admin';
const FLOWS: Readonly<Record<Caller, readonly string[]>> = {
  user: ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'],
  admin: ['ADMIN_USER_PASSWORD_AUTH', 'USER_SRP_AUTH'],
};

export class SignIn {
  readonly sessions: ChallengeSessions;

  constructor(private readonly now: () => number = Date.now) {
    this.sessions = new ChallengeSessions(now);
  }

  initiate(
    pool: UserPool,
    clientId: string,
    flow: string,
    parameters: Record<string, string> | undefined,
    caller: Caller,
  ): AuthAnswer {
    const client = pool.client(clientId);
    if (!FLOWS[caller].includes(flow))
      throw new CognitoError(
        'InvalidParameterException',
        `The local Cognito supports ${FLOWS[caller].join(' and ')} here, not ${flow}.`,
      );
    if (!client.authFlows.has(`ALLOW_${flow}`))
      throw new CognitoError('InvalidParameterException', `${flow} flow not enabled for this client`);
    if (flow === 'USER_SRP_AUTH') return this.srpChallenge(pool, client, parameters);
    const params = passwordParameters.safeParse(parameters ?? {});
    if (!params.success)
      throw new CognitoError('InvalidParameterException', 'Missing required parameter USERNAME or PASSWORD');
    const user = pool.find(params.data.USERNAME);
    if (!pool.passwordMatches(user, params.data.PASSWORD) || !user) throw notAuthorized();
    return this.passwordProved(pool, client, user);
  }

  respond(
    pool: UserPool,
    clientId: string,
    challengeName: string,
    responses: Record<string, string> | undefined,
    session: string | undefined,
  ): AuthAnswer {
    const client = pool.client(clientId);
    if (challengeName === 'PASSWORD_VERIFIER') {
      const given = verifierResponses.safeParse(responses ?? {});
      if (!given.success)
        throw new CognitoError(
          'InvalidParameterException',
          'PASSWORD_VERIFIER needs USERNAME, PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE and TIMESTAMP',
        );
      // The secret block names the sign-in, as Cognito's (an encrypted session) does: no Session needed.
      const { challenge } = this.sessions.take(
        given.data.PASSWORD_CLAIM_SECRET_BLOCK,
        'PASSWORD_VERIFIER',
        clientId,
      );
      const { user } = challenge;
      const proved =
        user !== undefined &&
        pool.find(given.data.USERNAME) === user &&
        srpClaimMatches(
          {
            ...challenge,
            poolName: srpPoolName(pool.poolId),
            secretBlock: given.data.PASSWORD_CLAIM_SECRET_BLOCK,
            timestamp: given.data.TIMESTAMP,
          },
          given.data.PASSWORD_CLAIM_SIGNATURE,
        );
      if (!proved) throw notAuthorized();
      return this.passwordProved(pool, client, user);
    }
    if (challengeName === 'SOFTWARE_TOKEN_MFA') {
      const given = mfaResponses.safeParse(responses ?? {});
      if (!given.success)
        throw new CognitoError(
          'InvalidParameterException',
          'Missing required parameter SOFTWARE_TOKEN_MFA_CODE',
        );
      const { challenge, retry } = this.sessions.take(session, 'SOFTWARE_TOKEN_MFA', clientId);
      const { user } = challenge;
      if (pool.find(given.data.USERNAME) !== user) throw notAuthorized();
      const token = user.softwareToken;
      const step =
        token && matchTotp(token.secret, given.data.SOFTWARE_TOKEN_MFA_CODE, token.usedStep, this.now());
      if (!token || step === undefined) {
        retry();
        throw new CognitoError('CodeMismatchException', 'Invalid code received for user');
      }
      token.usedStep = step;
      return this.tokens(pool, client, user);
    }
    throw new CognitoError(
      'InvalidParameterException',
      `The local Cognito answers PASSWORD_VERIFIER and SOFTWARE_TOKEN_MFA, not ${challengeName}.`,
    );
  }

  private srpChallenge(
    pool: UserPool,
    client: PoolClient,
    parameters: Record<string, string> | undefined,
  ): AuthAnswer {
    const params = srpParameters.safeParse(parameters ?? {});
    if (!params.success)
      throw new CognitoError('InvalidParameterException', 'Missing required parameter USERNAME or SRP_A');
    const A = parseSrpA(params.data.SRP_A);
    if (A === undefined) throw new CognitoError('InvalidParameterException', 'SRP_A is not a valid value');
    const user = pool.find(params.data.USERNAME);
    const userId = user?.username ?? params.data.USERNAME;
    // Nobody's user name (or a user without a password) gets a verifier of a random password: the same
    // answer's shape and timing, and a proof that can only fail.
    const known = user?.srp ?? srpVerifier(srpPoolName(pool.poolId), userId, randomBytes(32).toString('hex'));
    const { b, B } = srpServerPair(known.verifier);
    const secretBlock = this.sessions.start({
      name: 'PASSWORD_VERIFIER',
      pool,
      client,
      user: user?.srp ? user : undefined,
      userId,
      A,
      B,
      b,
      verifier: known.verifier,
    });
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        SALT: padHex(known.salt),
        SECRET_BLOCK: secretBlock,
        SRP_B: B.toString(16),
        USERNAME: userId,
        USER_ID_FOR_SRP: userId,
      },
    };
  }

  /** The password is right: the account's state decides what comes next. */
  private passwordProved(pool: UserPool, client: PoolClient, user: PoolUser): AuthAnswer {
    if (!user.enabled) throw new CognitoError('NotAuthorizedException', 'User is disabled.');
    if (user.status === 'UNCONFIRMED')
      throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    if (user.status === 'FORCE_CHANGE_PASSWORD')
      // Answering this challenge is not emulated: set a permanent password (AdminSetUserPassword) instead.
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ChallengeParameters: { USER_ID_FOR_SRP: user.username },
      };
    if (user.softwareToken?.enabled && user.softwareToken.verified)
      return {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ChallengeParameters: { USER_ID_FOR_SRP: user.username },
        Session: this.sessions.start({ name: 'SOFTWARE_TOKEN_MFA', pool, client, user }),
      };
    return this.tokens(pool, client, user);
  }

  private tokens(pool: UserPool, client: PoolClient, user: PoolUser): AuthAnswer {
    return { AuthenticationResult: issueTokens(pool, client, user, this.now()), ChallengeParameters: {} };
  }
}
