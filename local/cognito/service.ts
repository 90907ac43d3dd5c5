/**
 * The local Cognito user pools API (`AWSCognitoIdentityProviderService.*`): the subset people use to get
 * tokens — AdminCreateUser, AdminSetUserPassword, AdminAddUserToGroup, AdminGetUser, GetUser,
 * AdminConfirmSignUp, SignUp and ConfirmSignUp (the code Cognito would email is written to the local cloud's
 * log); signing in with InitiateAuth / AdminInitiateAuth and (Admin)RespondToAuthChallenge (password, SRP, TOTP
 * MFA: sign-in.ts); TOTP set-up with AssociateSoftwareToken, VerifySoftwareToken and
 * (Admin)SetUserMFAPreference (mfa.ts). Not emulated: refresh, SMS and email MFA, devices, MFA_SETUP.
 */
import { randomInt } from 'node:crypto';
import * as z from 'zod';
import type { AwsJsonService } from '../core/aws-service.js';
import { CognitoError } from './errors.js';
import {
  associateSoftwareToken,
  mfaDescription,
  refuseOtherFactors,
  setMfaPreference,
  userOfAccessToken,
  verifySoftwareToken,
} from './mfa.js';
import type { PoolUser, UserPool } from './pools.js';
import { SignIn } from './sign-in.js';

const name = z.string().min(1).max(128);
const attributes = z
  .array(z.object({ Name: z.string().min(1).max(32), Value: z.string().max(2048) }))
  .max(50);
const password = z.string().min(1).max(256);
const accessToken = z.string().min(1).max(8192);
const parameters = z.record(z.string(), z.string()).optional();
const mfaSettings = z
  .object({ Enabled: z.boolean().optional(), PreferredMfa: z.boolean().optional() })
  .optional();
const mfaPreference = {
  SoftwareTokenMfaSettings: mfaSettings,
  SMSMfaSettings: mfaSettings,
  EmailMfaSettings: mfaSettings,
};
const challenge = {
  ClientId: name,
  ChallengeName: z.string().min(1).max(64),
  ChallengeResponses: parameters,
  Session: z.string().min(1).max(2048).optional(),
};

const inputs = {
  AdminCreateUser: z.object({
    UserPoolId: name,
    Username: name,
    UserAttributes: attributes.optional(),
    TemporaryPassword: password.optional(),
    MessageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
  }),
  AdminSetUserPassword: z.object({
    UserPoolId: name,
    Username: name,
    Password: password,
    Permanent: z.boolean().optional(),
  }),
  AdminAddUserToGroup: z.object({ UserPoolId: name, Username: name, GroupName: name }),
  AdminGetUser: z.object({ UserPoolId: name, Username: name }),
  AdminConfirmSignUp: z.object({ UserPoolId: name, Username: name }),
  AdminInitiateAuth: z.object({
    UserPoolId: name,
    ClientId: name,
    AuthFlow: z.string(),
    AuthParameters: parameters,
  }),
  InitiateAuth: z.object({ ClientId: name, AuthFlow: z.string(), AuthParameters: parameters }),
  RespondToAuthChallenge: z.object(challenge),
  AdminRespondToAuthChallenge: z.object({ UserPoolId: name, ...challenge }),
  AssociateSoftwareToken: z.object({ AccessToken: accessToken }),
  VerifySoftwareToken: z.object({
    AccessToken: accessToken,
    UserCode: z.string().min(1).max(16),
    FriendlyDeviceName: z.string().max(256).optional(),
  }),
  SetUserMFAPreference: z.object({ AccessToken: accessToken, ...mfaPreference }),
  AdminSetUserMFAPreference: z.object({ UserPoolId: name, Username: name, ...mfaPreference }),
  GetUser: z.object({ AccessToken: accessToken }),
  SignUp: z.object({
    ClientId: name,
    Username: name,
    Password: password,
    UserAttributes: attributes.optional(),
  }),
  ConfirmSignUp: z.object({ ClientId: name, Username: name, ConfirmationCode: z.string().min(1).max(2048) }),
} as const;
type Operation = keyof typeof inputs;

export class CognitoService implements AwsJsonService {
  readonly targetPrefix = 'AWSCognitoIdentityProviderService';
  readonly signingName = 'cognito-idp';

  private readonly signIn: SignIn;

  constructor(
    readonly pools: ReadonlyMap<string, UserPool>,
    private readonly log: (line: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.signIn = new SignIn(now);
  }

  async handle(operation: string, body: unknown): Promise<unknown> {
    if (!(operation in inputs))
      throw new CognitoError(
        'UnknownOperationException',
        `The local Cognito does not implement ${operation}.`,
      );
    const parsed = inputs[operation as Operation].safeParse(body);
    if (!parsed.success)
      throw new CognitoError(
        'InvalidParameterException',
        // Never echo the values: they may hold a password.
        parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.code}`).join('; '),
      );
    const input = parsed.data as Record<string, unknown>;
    switch (operation as Operation) {
      case 'AdminCreateUser':
        return this.adminCreateUser(input as z.infer<typeof inputs.AdminCreateUser>);
      case 'AdminSetUserPassword': {
        const i = input as z.infer<typeof inputs.AdminSetUserPassword>;
        const pool = this.pool(i.UserPoolId);
        const user = pool.user(i.Username);
        pool.setPassword(user, i.Password);
        user.status = i.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
        return {};
      }
      case 'AdminAddUserToGroup': {
        const i = input as z.infer<typeof inputs.AdminAddUserToGroup>;
        const pool = this.pool(i.UserPoolId);
        if (!pool.groups.has(i.GroupName))
          throw new CognitoError('ResourceNotFoundException', 'Group not found.');
        pool.user(i.Username).groups.add(i.GroupName);
        return {};
      }
      case 'AdminGetUser': {
        const i = input as z.infer<typeof inputs.AdminGetUser>;
        const user = this.pool(i.UserPoolId).user(i.Username);
        const { Attributes, ...rest } = describeUser(user);
        return { ...rest, UserAttributes: Attributes, ...mfaDescription(user) };
      }
      case 'GetUser': {
        const { user } = this.byToken((input as z.infer<typeof inputs.GetUser>).AccessToken);
        return {
          Username: user.username,
          UserAttributes: describeUser(user).Attributes,
          ...mfaDescription(user),
        };
      }
      case 'AdminConfirmSignUp': {
        const i = input as z.infer<typeof inputs.AdminConfirmSignUp>;
        confirm(this.pool(i.UserPoolId).user(i.Username));
        return {};
      }
      case 'AdminInitiateAuth': {
        const i = input as z.infer<typeof inputs.AdminInitiateAuth>;
        const pool = this.pool(i.UserPoolId);
        return this.signIn.initiate(pool, i.ClientId, i.AuthFlow, i.AuthParameters, 'admin');
      }
      case 'InitiateAuth': {
        const i = input as z.infer<typeof inputs.InitiateAuth>;
        const pool = this.poolOfClient(i.ClientId);
        return this.signIn.initiate(pool, i.ClientId, i.AuthFlow, i.AuthParameters, 'user');
      }
      case 'RespondToAuthChallenge':
      case 'AdminRespondToAuthChallenge': {
        const i = input as z.infer<typeof inputs.AdminRespondToAuthChallenge>;
        const pool = i.UserPoolId ? this.pool(i.UserPoolId) : this.poolOfClient(i.ClientId);
        return this.signIn.respond(pool, i.ClientId, i.ChallengeName, i.ChallengeResponses, i.Session);
      }
      case 'AssociateSoftwareToken': {
        const { user } = this.byToken((input as z.infer<typeof inputs.AssociateSoftwareToken>).AccessToken);
        return associateSoftwareToken(user);
      }
      case 'VerifySoftwareToken': {
        const i = input as z.infer<typeof inputs.VerifySoftwareToken>;
        return verifySoftwareToken(this.byToken(i.AccessToken).user, i.UserCode, this.now());
      }
      case 'SetUserMFAPreference': {
        const i = input as z.infer<typeof inputs.SetUserMFAPreference>;
        const { pool, user } = this.byToken(i.AccessToken);
        refuseOtherFactors(i);
        setMfaPreference(pool, user, i.SoftwareTokenMfaSettings);
        return {};
      }
      case 'AdminSetUserMFAPreference': {
        const i = input as z.infer<typeof inputs.AdminSetUserMFAPreference>;
        const pool = this.pool(i.UserPoolId);
        refuseOtherFactors(i);
        setMfaPreference(pool, pool.user(i.Username), i.SoftwareTokenMfaSettings);
        return {};
      }
      case 'SignUp':
        return this.signUp(input as z.infer<typeof inputs.SignUp>);
      case 'ConfirmSignUp': {
        const i = input as z.infer<typeof inputs.ConfirmSignUp>;
        const user = this.poolOfClient(i.ClientId).user(i.Username);
        if (user.status !== 'UNCONFIRMED' || user.confirmationCode !== i.ConfirmationCode)
          throw new CognitoError(
            'CodeMismatchException',
            'Invalid verification code provided, please try again.',
          );
        confirm(user);
        return {};
      }
    }
  }

  private pool(poolId: string): UserPool {
    const pool = this.pools.get(poolId);
    if (!pool) throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
    return pool;
  }

  private poolOfClient(clientId: string): UserPool {
    const pool = [...this.pools.values()].find((candidate) => candidate.clients.has(clientId));
    if (!pool) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
    return pool;
  }

  private adminCreateUser(i: z.infer<typeof inputs.AdminCreateUser>) {
    const pool = this.pool(i.UserPoolId);
    const user = pool.create(i.Username, attributeMap(i.UserAttributes), 'FORCE_CHANGE_PASSWORD');
    try {
      // Cognito mails a generated temporary password; locally nobody receives it: set one with AdminSetUserPassword.
      if (i.TemporaryPassword !== undefined) pool.setPassword(user, i.TemporaryPassword);
    } catch (error) {
      pool.users.delete(user.username); // nothing half-written
      throw error;
    }
    return { User: describeUser(user) };
  }

  private signUp(i: z.infer<typeof inputs.SignUp>) {
    const pool = this.poolOfClient(i.ClientId);
    const user = pool.create(i.Username, attributeMap(i.UserAttributes), 'UNCONFIRMED');
    try {
      pool.setPassword(user, i.Password);
    } catch (error) {
      pool.users.delete(user.username);
      throw error;
    }
    user.confirmationCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    // What Cognito would email; the password is never logged.
    this.log(`cognito: confirmation code for ${i.Username} in ${pool.name}: ${user.confirmationCode}`);
    const email = user.attributes.get('email');
    return {
      UserConfirmed: false,
      UserSub: user.sub,
      ...(email
        ? {
            CodeDeliveryDetails: {
              Destination: maskEmail(email),
              DeliveryMedium: 'EMAIL',
              AttributeName: 'email',
            },
          }
        : {}),
    };
  }

  private byToken(token: string) {
    return userOfAccessToken(this.pools, token, this.now());
  }
}

function attributeMap(list: readonly { Name: string; Value: string }[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const { Name, Value } of list ?? []) {
    if (Name === 'sub')
      throw new CognitoError('InvalidParameterException', 'Cannot modify the non-mutable attribute sub');
    map.set(Name, Value);
  }
  return map;
}

function confirm(user: PoolUser): void {
  user.status = 'CONFIRMED';
  delete user.confirmationCode;
  // The app's pools auto-verify email: confirming the sign-up code verifies the address it was sent to.
  if (user.attributes.has('email')) user.attributes.set('email_verified', 'true');
  user.modifiedAt = Date.now();
}

function describeUser(user: PoolUser) {
  return {
    Username: user.username,
    Attributes: [...user.attributes].map(([Name, Value]) => ({ Name, Value })),
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.modifiedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

const maskEmail = (email: string) => email.replace(/^(.).*@(.).*$/, '$1***@$2***');
