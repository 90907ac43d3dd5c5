/**
 * Real users of the app's Cognito user pool on the local cloud, for tests: created and signed in through the
 * Cognito API on the endpoint (AdminCreateUser, AdminSetUserPassword, AdminAddUserToGroup, AdminInitiateAuth
 * with ADMIN_USER_PASSWORD_AUTH), so their ID and access tokens are signed by the pool and pass the endpoint's
 * verification like any client's. The `sub` is the pool's, as in AWS: read it from the result.
 */
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalCloud } from '../../local/cloud.js';
import { awsCli } from './aws-cli.js';

export interface PoolUserOptions {
  readonly email: string;
  /** @default true */
  readonly emailVerified?: boolean;
  /** @default ['customer'] */
  readonly groups?: readonly string[];
}

export interface PoolUser {
  readonly sub: string;
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly idToken: string;
  readonly accessToken: string;
}

/** The app's user pool and its client, as the templates say. */
export function appUserPool(cloud: LocalCloud): { userPoolId: string; clientId: string } {
  const [pool] = cloud.model.resources('AWS::Cognito::UserPool');
  const [client] = cloud.model.resources('AWS::Cognito::UserPoolClient');
  if (!pool || !client) throw new Error('the app has no Cognito user pool and client');
  return { userPoolId: cloud.model.identity(pool).ref, clientId: cloud.model.identity(client).ref };
}

export function cognitoClient(cloud: LocalCloud): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: cloud.url,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A confirmed user in the pool, in `groups`, signed in: its tokens and the `sub` the pool gave it. */
export async function poolUser(cloud: LocalCloud, options: PoolUserOptions): Promise<PoolUser> {
  const { userPoolId, clientId } = appUserPool(cloud);
  const client = cognitoClient(cloud);
  // Meets the app's password policy (12+ characters, all four classes).
  const password = `Pw-${randomUUID()}-A1a!`;
  try {
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: options.email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: options.email },
          { Name: 'email_verified', Value: String(options.emailVerified ?? true) },
        ],
      }),
    );
    const username = created.User?.Username ?? '';
    const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '';
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: username,
        Password: password,
        Permanent: true,
      }),
    );
    for (const group of options.groups ?? ['customer'])
      await client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
      );
    const signedIn = await client.send(
      new AdminInitiateAuthCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: options.email, PASSWORD: password },
      }),
    );
    const idToken = signedIn.AuthenticationResult?.IdToken;
    const accessToken = signedIn.AuthenticationResult?.AccessToken;
    if (!sub || !idToken || !accessToken) throw new Error(`no tokens for ${options.email}`);
    return { sub, username, email: options.email, password, idToken, accessToken };
  } finally {
    client.destroy();
  }
}

/** What `aws cognito-idp initiate-auth` answers: tokens, or the challenge that stands before them. */
export interface CliSignIn {
  readonly AuthenticationResult?: { readonly IdToken: string; readonly AccessToken: string };
  readonly ChallengeName?: string;
  readonly Session?: string;
  readonly ChallengeParameters?: Record<string, string>;
}

/** A user signs in with the real AWS CLI's password flow against the app's user pool client. */
export async function signInWithCli(
  cloud: LocalCloud,
  user: Pick<PoolUser, 'email' | 'password'>,
): Promise<CliSignIn> {
  const { clientId } = appUserPool(cloud);
  return awsCli<CliSignIn>(
    cloud.url,
    [
      'cognito-idp',
      'initiate-auth',
      '--client-id',
      clientId,
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '--auth-parameters',
      `USERNAME=${user.email},PASSWORD=${user.password}`,
    ],
    cloud.region,
  );
}
