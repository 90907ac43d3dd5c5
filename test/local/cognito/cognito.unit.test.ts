/**
 * The local Cognito user pools API and its tokens, without a cloud: users made and signed in through the
 * service's operations, tokens with Cognito's claims that verify against the pool (and only it), and the
 * refusals Cognito gives (policy, wrong password, disabled flow, unconfirmed user, unknown client).
 */
import { describe, expect, it } from 'vitest';
import {
  CognitoService,
  signJwt,
  UserPool,
  verifyJwtSignature,
  verifyToken,
} from '../../../local/cognito/index.js';

const POOL = 'us-east-1_Unit';
const CLIENT = 'web-client';
const policy = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
};

function service(flows = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH']) {
  const client = {
    clientId: CLIENT,
    name: 'web',
    authFlows: new Set(flows),
    idTokenSeconds: 3600,
    accessTokenSeconds: 600,
  };
  const pool = new UserPool(
    POOL,
    'people',
    `http://127.0.0.1:4566/${POOL}`,
    new Map([[CLIENT, client]]),
    new Set(['admin']),
    ['email'],
    policy,
  );
  const logged: string[] = [];
  return { pool, logged, cognito: new CognitoService(new Map([[POOL, pool]]), (line) => logged.push(line)) };
}

const PASSWORD = 'Correct-Horse-9!';
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
const failsWith = async (work: Promise<unknown>, code: string) => {
  await expect(work).rejects.toMatchObject({ code });
};

async function ann(cognito: CognitoService) {
  const created = (await cognito.handle('AdminCreateUser', {
    UserPoolId: POOL,
    Username: 'ann@example.com',
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
  })) as { User: { Username: string; UserStatus: string; Attributes: { Name: string; Value: string }[] } };
  await cognito.handle('AdminSetUserPassword', {
    UserPoolId: POOL,
    Username: 'ann@example.com',
    Password: PASSWORD,
    Permanent: true,
  });
  return created.User;
}

/** Ann's tokens, from the password flow (after `ann` made her). */
async function annTokens(cognito: CognitoService) {
  const { AuthenticationResult } = (await cognito.handle('InitiateAuth', {
    ClientId: CLIENT,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: 'ann@example.com', PASSWORD },
  })) as { AuthenticationResult: { IdToken: string; AccessToken: string } };
  return AuthenticationResult;
}

describe('the local Cognito user pool', () => {
  it('creates a user with a generated sub as user name (email sign-in) and signs her in with either flow', async () => {
    const { cognito, pool } = service();
    const user = await ann(cognito);
    const sub = user.Attributes.find((a) => a.Name === 'sub')?.Value;
    expect(user.Username).toBe(sub);
    expect(user.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    await cognito.handle('AdminAddUserToGroup', {
      UserPoolId: POOL,
      Username: 'ann@example.com',
      GroupName: 'admin',
    });

    const { AuthenticationResult: byUser } = (await cognito.handle('InitiateAuth', {
      ClientId: CLIENT,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'ann@example.com', PASSWORD },
    })) as {
      AuthenticationResult: { IdToken: string; AccessToken: string; ExpiresIn: number; TokenType: string };
    };
    expect(byUser.TokenType).toBe('Bearer');
    expect(claimsOf(byUser.IdToken)).toMatchObject({
      sub,
      iss: pool.issuer,
      aud: CLIENT,
      token_use: 'id',
      email: 'ann@example.com',
      email_verified: true,
      'cognito:username': sub,
      'cognito:groups': ['admin'],
    });
    expect(claimsOf(byUser.AccessToken)).toMatchObject({
      sub,
      client_id: CLIENT,
      token_use: 'access',
      username: sub,
    });
    const id = claimsOf(byUser.IdToken);
    expect(id.exp - id.iat).toBe(3600);
    expect(verifyToken(new Map([[POOL, pool]]), byUser.IdToken)).toMatchObject({ ok: true });
    expect(verifyToken(new Map([[POOL, pool]]), byUser.AccessToken)).toMatchObject({ ok: true });

    const byAdmin = (await cognito.handle('AdminInitiateAuth', {
      UserPoolId: POOL,
      ClientId: CLIENT,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'ann@example.com', PASSWORD },
    })) as { AuthenticationResult: { IdToken: string } };
    expect(claimsOf(byAdmin.AuthenticationResult.IdToken).sub).toBe(sub);
  });

  it('refuses what Cognito refuses, with its error codes', async () => {
    const { cognito } = service(['ALLOW_USER_SRP_AUTH']);
    await failsWith(
      cognito.handle('AdminCreateUser', { UserPoolId: POOL, Username: 'not-an-email' }),
      'InvalidParameterException',
    );
    await ann(cognito);
    await failsWith(
      cognito.handle('AdminCreateUser', { UserPoolId: POOL, Username: 'ann@example.com' }),
      'UsernameExistsException',
    );
    await failsWith(
      cognito.handle('AdminSetUserPassword', {
        UserPoolId: POOL,
        Username: 'ann@example.com',
        Password: 'short',
        Permanent: true,
      }),
      'InvalidPasswordException',
    );
    // The client allows SRP only: a password flow is refused before the password is looked at.
    await failsWith(
      cognito.handle('InitiateAuth', {
        ClientId: CLIENT,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'ann@example.com', PASSWORD },
      }),
      'InvalidParameterException',
    );
    await failsWith(
      cognito.handle('InitiateAuth', { ClientId: 'nope', AuthFlow: 'USER_PASSWORD_AUTH' }),
      'ResourceNotFoundException',
    );
    await failsWith(
      cognito.handle('AdminAddUserToGroup', {
        UserPoolId: POOL,
        Username: 'ann@example.com',
        GroupName: 'root',
      }),
      'ResourceNotFoundException',
    );
    await failsWith(
      cognito.handle('AdminGetUser', { UserPoolId: 'us-east-1_Nope', Username: 'x' }),
      'ResourceNotFoundException',
    );
    await failsWith(cognito.handle('AdminCreateUser', { UserPoolId: POOL }), 'InvalidParameterException');
    await failsWith(cognito.handle('DeleteUserPool', {}), 'UnknownOperationException');
  });

  it('answers a wrong password and an unknown user alike, and never logs a password', async () => {
    const { cognito, logged } = service();
    await ann(cognito);
    const signIn = (USERNAME: string, password: string) =>
      cognito.handle('InitiateAuth', {
        ClientId: CLIENT,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME, PASSWORD: password },
      });
    const wrong = await signIn('ann@example.com', 'Wrong-Horse-9!').catch((e: Error) => e);
    const unknown = await signIn('zed@example.com', PASSWORD).catch((e: Error) => e);
    expect(wrong).toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(unknown).toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    await cognito.handle('SignUp', { ClientId: CLIENT, Username: 'cy@example.com', Password: PASSWORD });
    expect(logged.join('\n')).not.toContain(PASSWORD);
    expect(logged.join('\n')).not.toContain('Wrong-Horse');
  });

  it('signs up, refuses the unconfirmed user and a wrong code, then confirms with the logged code', async () => {
    const { cognito, logged } = service();
    const signedUp = (await cognito.handle('SignUp', {
      ClientId: CLIENT,
      Username: 'cy@example.com',
      Password: PASSWORD,
    })) as {
      UserConfirmed: boolean;
      UserSub: string;
    };
    expect(signedUp.UserConfirmed).toBe(false);
    const signIn = () =>
      cognito.handle('InitiateAuth', {
        ClientId: CLIENT,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'cy@example.com', PASSWORD },
      });
    await failsWith(signIn(), 'UserNotConfirmedException');
    const code = /confirmation code for cy@example.com .*: (\d{6})/.exec(logged.join('\n'))?.[1] ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    await failsWith(
      cognito.handle('ConfirmSignUp', {
        ClientId: CLIENT,
        Username: 'cy@example.com',
        ConfirmationCode: wrong,
      }),
      'CodeMismatchException',
    );
    await cognito.handle('ConfirmSignUp', {
      ClientId: CLIENT,
      Username: 'cy@example.com',
      ConfirmationCode: code,
    });
    const { AuthenticationResult } = (await signIn()) as { AuthenticationResult: { IdToken: string } };
    expect(claimsOf(AuthenticationResult.IdToken)).toMatchObject({
      sub: signedUp.UserSub,
      email_verified: true,
    });
  });

  it("verifies a token only with its pool's key, issuer, client and before it expires", async () => {
    const { cognito, pool } = service();
    await ann(cognito);
    const token = (await annTokens(cognito)).IdToken;
    const pools = new Map([[POOL, pool]]);
    const other = service().pool; // same id and issuer, another key
    expect(verifyToken(new Map([[POOL, other]]), token)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    const [head, body, signature] = token.split('.');
    const edit = (change: Record<string, unknown>) =>
      `${head}.${Buffer.from(JSON.stringify({ ...claimsOf(token), ...change })).toString('base64url')}.${signature}`;
    expect(verifyToken(pools, edit({ sub: 'someone' }))).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyToken(pools, edit({ iss: 'https://elsewhere' }))).toEqual({
      ok: false,
      reason: 'UNKNOWN_ISSUER',
    });
    expect(verifyToken(pools, token, Date.now() + 3601_000)).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(verifyToken(pools, `${head}.${body}`)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyJwtSignature(token, () => pool.key.publicKey)).toHaveProperty('payload');
  });

  it("refuses a token its pool signed for another use or for a client the pool doesn't have", async () => {
    const { cognito, pool } = service();
    await ann(cognito);
    const { IdToken, AccessToken } = await annTokens(cognito);
    const pools = new Map([[POOL, pool]]);
    // Re-signed with the pool's own key: only the claims decide.
    const resigned = (token: string, change: Record<string, unknown>) =>
      signJwt(pool.key, { ...claimsOf(token), ...change });
    expect(verifyToken(pools, resigned(IdToken, {}))).toMatchObject({ ok: true });
    expect(verifyToken(pools, resigned(AccessToken, {}))).toMatchObject({ ok: true });
    expect(verifyToken(pools, resigned(IdToken, { token_use: 'refresh' }))).toEqual({
      ok: false,
      reason: 'WRONG_TOKEN_USE',
    });
    expect(verifyToken(pools, resigned(IdToken, { token_use: undefined }))).toEqual({
      ok: false,
      reason: 'WRONG_TOKEN_USE',
    });
    expect(verifyToken(pools, resigned(IdToken, { aud: 'another-client' }))).toEqual({
      ok: false,
      reason: 'UNKNOWN_CLIENT',
    });
    expect(verifyToken(pools, resigned(AccessToken, { client_id: 'another-client' }))).toEqual({
      ok: false,
      reason: 'UNKNOWN_CLIENT',
    });
  });
});
