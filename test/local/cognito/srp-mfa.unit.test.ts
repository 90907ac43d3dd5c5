/**
 * SRP and TOTP MFA on the local Cognito, without a cloud. The client side of SRP is Amplify v6's own code
 * (`@aws-amplify/auth`'s srp helpers, imported from its files: the package does not export them), so the server
 * is checked against what real clients compute, not against a second copy of our own math. TOTP is checked
 * against RFC 6238's test vectors, then through the whole set-up and sign-in.
 */
import { describe, expect, it } from 'vitest';
import {
  base32Encode,
  CognitoService,
  totpCode,
  totpStep,
  UserPool,
  verifyToken,
} from '../../../local/cognito/index.js';

const POOL = 'us-east-1_SrpUnit';
const CLIENT = 'web-client';
const PASSWORD = 'Correct-Horse-9!';
const SRP_DIR = '../../../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/';

interface AmplifyBigInteger {
  toString(radix: number): string;
}
interface AmplifySrp {
  getAuthenticationHelper(poolName: string): Promise<{
    A: AmplifyBigInteger;
    getPasswordAuthenticationKey(input: {
      username: string;
      password: string;
      serverBValue: AmplifyBigInteger;
      salt: AmplifyBigInteger;
    }): Promise<Uint8Array>;
  }>;
  getNowString(): string;
  getSignatureString(input: {
    userPoolName: string;
    username: string;
    challengeParameters: Record<string, string>;
    dateNow: string;
    hkdf: Uint8Array;
  }): string;
}
const amplify = async () => {
  const srp = (await import(new URL(`${SRP_DIR}index.mjs`, import.meta.url).href)) as AmplifySrp;
  const { BigInteger } = (await import(new URL(`${SRP_DIR}BigInteger/index.mjs`, import.meta.url).href)) as {
    BigInteger: new (hex: string, radix: number) => AmplifyBigInteger;
  };
  return { ...srp, BigInteger };
};

function setup(
  flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
) {
  let now = Date.now();
  const client = {
    clientId: CLIENT,
    name: 'web',
    authFlows: new Set(flows),
    idTokenSeconds: 3600,
    accessTokenSeconds: 3600,
    authSessionSeconds: 180,
  };
  const pool = new UserPool(
    POOL,
    'people',
    `http://127.0.0.1:1/${POOL}`,
    new Map([[CLIENT, client]]),
    new Set(),
    ['email'],
    {
      minimumLength: 8,
      requireLowercase: false,
      requireUppercase: false,
      requireNumbers: false,
      requireSymbols: false,
    },
    'ON',
  );
  const cognito = new CognitoService(
    new Map([[POOL, pool]]),
    () => {},
    () => now,
  );
  return { pool, cognito, advance: (ms: number) => (now += ms), now: () => now };
}

type Answer = {
  ChallengeName?: string;
  ChallengeParameters: Record<string, string>;
  Session?: string;
  AuthenticationResult?: { IdToken: string; AccessToken: string };
};
const call = (cognito: CognitoService, operation: string, input: unknown) =>
  cognito.handle(operation, input) as Promise<Answer>;
const failsWith = (work: Promise<unknown>, code: string) => expect(work).rejects.toMatchObject({ code });

async function user(cognito: CognitoService, email = 'ann@example.com') {
  const { User } = (await cognito.handle('AdminCreateUser', {
    UserPoolId: POOL,
    Username: email,
    MessageAction: 'SUPPRESS',
  })) as { User: { Username: string } };
  await cognito.handle('AdminSetUserPassword', {
    UserPoolId: POOL,
    Username: email,
    Password: PASSWORD,
    Permanent: true,
  });
  return User.Username;
}

/** Amplify's USER_SRP_AUTH, step by step: what its signIn sends. */
async function srpSignIn(cognito: CognitoService, username: string, password: string) {
  const client = await amplify();
  const helper = await client.getAuthenticationHelper(POOL.split('_')[1] ?? '');
  const challenge = await call(cognito, 'InitiateAuth', {
    ClientId: CLIENT,
    AuthFlow: 'USER_SRP_AUTH',
    AuthParameters: { USERNAME: username, SRP_A: helper.A.toString(16) },
  });
  expect(challenge.ChallengeName).toBe('PASSWORD_VERIFIER');
  const params = challenge.ChallengeParameters;
  const userId = params.USER_ID_FOR_SRP ?? '';
  const hkdf = await helper.getPasswordAuthenticationKey({
    username: userId,
    password,
    serverBValue: new client.BigInteger(params.SRP_B ?? '', 16),
    salt: new client.BigInteger(params.SALT ?? '', 16),
  });
  const dateNow = client.getNowString();
  const responses = {
    USERNAME: userId,
    PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK ?? '',
    TIMESTAMP: dateNow,
    PASSWORD_CLAIM_SIGNATURE: client.getSignatureString({
      userPoolName: POOL.split('_')[1] ?? '',
      username: userId,
      challengeParameters: params,
      dateNow,
      hkdf,
    }),
  };
  const respond = () =>
    call(cognito, 'RespondToAuthChallenge', {
      ClientId: CLIENT,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: responses,
    });
  return { challenge, respond };
}

describe('USER_SRP_AUTH against Amplify v6’s client', () => {
  it('signs in with the right password and refuses a wrong one, an unknown user and a replay alike', async () => {
    const { cognito, pool } = setup();
    const username = await user(cognito);
    const good = await srpSignIn(cognito, 'ann@example.com', PASSWORD);
    expect(good.challenge.ChallengeParameters.USER_ID_FOR_SRP).toBe(username);
    const { AuthenticationResult } = await good.respond();
    const verified = verifyToken(new Map([[POOL, pool]]), AuthenticationResult?.IdToken ?? '');
    expect(verified).toMatchObject({ ok: true, claims: { email: 'ann@example.com', token_use: 'id' } });
    // The secret block names one sign-in: answering it again is refused.
    await failsWith(good.respond(), 'NotAuthorizedException');

    const wrong = await srpSignIn(cognito, 'ann@example.com', 'not-the-password');
    await expect(wrong.respond()).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    const nobody = await srpSignIn(cognito, 'nobody@example.com', PASSWORD);
    await expect(nobody.respond()).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  }, 60_000);

  it('expires the challenge, and refuses SRP on a client that does not allow it', async () => {
    const { cognito, advance } = setup();
    await user(cognito);
    const late = await srpSignIn(cognito, 'ann@example.com', PASSWORD);
    advance(181_000);
    await expect(late.respond()).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: expect.stringContaining('session is expired'),
    });
    const passwordOnly = setup(['ALLOW_USER_PASSWORD_AUTH']).cognito;
    await failsWith(
      call(passwordOnly, 'InitiateAuth', {
        ClientId: CLIENT,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: 'ann@example.com', SRP_A: '02' },
      }),
      'InvalidParameterException',
    );
    await failsWith(
      call(cognito, 'InitiateAuth', {
        ClientId: CLIENT,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: 'ann@example.com', SRP_A: '0' },
      }),
      'InvalidParameterException',
    );
  }, 60_000);
});

describe('TOTP', () => {
  it('computes RFC 6238’s SHA-1 test vectors (their last six digits)', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    for (const [seconds, code] of [
      [59, '287082'],
      [1111111109, '081804'],
      [1234567890, '005924'],
      [20000000000, '353130'],
    ] as const)
      expect(totpCode(secret, totpStep(seconds * 1000))).toBe(code);
  });

  it('sets up, then asks every sign-in (password or SRP) for a code: wrong, replayed or late ones refused', async () => {
    const { cognito, now, advance } = setup();
    const username = await user(cognito);
    const signIn = () =>
      call(cognito, 'InitiateAuth', {
        ClientId: CLIENT,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'ann@example.com', PASSWORD },
      });
    const accessToken = (await signIn()).AuthenticationResult?.AccessToken ?? '';
    await failsWith(
      call(cognito, 'SetUserMFAPreference', {
        AccessToken: accessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
      'InvalidParameterException', // not verified yet
    );
    const { SecretCode } = (await cognito.handle('AssociateSoftwareToken', { AccessToken: accessToken })) as {
      SecretCode: string;
    };
    const code = (offset = 0) => totpCode(SecretCode, totpStep(now()) + offset);
    const wrong = code() === '000000' ? '111111' : '000000';
    await failsWith(
      call(cognito, 'VerifySoftwareToken', { AccessToken: accessToken, UserCode: wrong }),
      'EnableSoftwareTokenMFAException',
    );
    await expect(
      cognito.handle('VerifySoftwareToken', { AccessToken: accessToken, UserCode: code() }),
    ).resolves.toEqual({
      Status: 'SUCCESS',
    });
    await cognito.handle('SetUserMFAPreference', {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    await expect(cognito.handle('GetUser', { AccessToken: accessToken })).resolves.toMatchObject({
      Username: username,
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
    });

    const challenged = await signIn();
    expect(challenged).toMatchObject({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: expect.any(String) });
    expect(challenged.AuthenticationResult).toBeUndefined();
    const answer = (mfaCode: string, session = challenged.Session) =>
      call(cognito, 'RespondToAuthChallenge', {
        ClientId: CLIENT,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: mfaCode },
      });
    // The code used to verify was used: not again. A wrong one neither; the session survives a retry.
    await failsWith(answer(code()), 'CodeMismatchException');
    await failsWith(answer(wrong), 'CodeMismatchException');
    const next = code(1);
    const { AuthenticationResult } = await answer(next);
    expect(AuthenticationResult?.IdToken).toEqual(expect.any(String));
    await failsWith(answer(next), 'NotAuthorizedException'); // the session is used up

    // SRP leads to the same challenge; a session left too long expires.
    const srp = await srpSignIn(cognito, 'ann@example.com', PASSWORD);
    const srpChallenge = await srp.respond();
    expect(srpChallenge.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    advance(181_000);
    await failsWith(answer(code(), srpChallenge.Session), 'NotAuthorizedException');

    // An operator turns it off: the password is enough again.
    await cognito.handle('AdminSetUserMFAPreference', {
      UserPoolId: POOL,
      Username: 'ann@example.com',
      SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
    });
    expect((await signIn()).AuthenticationResult?.IdToken).toEqual(expect.any(String));
    await failsWith(
      call(cognito, 'AssociateSoftwareToken', { AccessToken: 'not-a-token' }),
      'NotAuthorizedException',
    );
  }, 60_000);
});
