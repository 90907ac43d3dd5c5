/**
 * The user pools of the assembly, as Cognito keeps them: each `AWS::Cognito::UserPool` with its clients
 * (`AWS::Cognito::UserPoolClient`: auth flows, token and session validity) and groups
 * (`AWS::Cognito::UserPoolGroup`), a signing key made at start (tokens do not outlive the process, as a local
 * pool's users do not), and its users in memory. A password is kept as an scrypt hash with a salt per user
 * (compared in constant time) and as an SRP verifier (what USER_SRP_AUTH checks), never as itself.
 */
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import type { CloudModel } from '../assembly/model.js';
import { CognitoError } from './errors.js';
import { generateSigningKey, type SigningKey } from './jwt.js';
import { type SrpVerifier, srpPoolName, srpVerifier } from './srp.js';

export interface PoolClient {
  readonly clientId: string;
  readonly name: string;
  /** `ALLOW_USER_PASSWORD_AUTH`, `ALLOW_ADMIN_USER_PASSWORD_AUTH`, ... (legacy names mapped to these). */
  readonly authFlows: ReadonlySet<string>;
  readonly idTokenSeconds: number;
  readonly accessTokenSeconds: number;
  /** How long a sign-in's challenge session lasts (`AuthSessionValidity`). @default 180 (Cognito's 3 minutes) */
  readonly authSessionSeconds?: number;
}

/** `MfaConfiguration` of the pool. */
export type MfaConfiguration = 'OFF' | 'ON' | 'OPTIONAL';

/** A user's TOTP (SOFTWARE_TOKEN_MFA) authenticator. */
export interface SoftwareToken {
  /** Base32; set by AssociateSoftwareToken, usable once VerifySoftwareToken checked a code. */
  secret: string;
  verified: boolean;
  /** Sign-in asks for a code (SetUserMFAPreference Enabled). */
  enabled: boolean;
  preferred: boolean;
  /** The last time step a code was accepted for: a code is not accepted twice. */
  usedStep?: number;
}

export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
}

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';

export interface PoolUser {
  /** The user name; a UUID (the `sub`) when the pool signs in with email (UsernameAttributes). */
  readonly username: string;
  readonly sub: string;
  readonly attributes: Map<string, string>;
  readonly groups: Set<string>;
  status: UserStatus;
  enabled: boolean;
  password?: { readonly salt: Buffer; readonly hash: Buffer };
  srp?: SrpVerifier;
  softwareToken?: SoftwareToken;
  confirmationCode?: string;
  readonly createdAt: number;
  modifiedAt: number;
}

const UNKNOWN_USER = { salt: randomBytes(16), hash: randomBytes(32) };

export class UserPool {
  readonly key: SigningKey = generateSigningKey();
  readonly users = new Map<string, PoolUser>();

  constructor(
    readonly poolId: string,
    readonly name: string,
    /** The issuer of its tokens (`iss`), where its JWKS is served. */
    readonly issuer: string,
    readonly clients: ReadonlyMap<string, PoolClient>,
    readonly groups: ReadonlySet<string>,
    readonly usernameAttributes: readonly string[],
    readonly policy: PasswordPolicy,
    readonly mfa: MfaConfiguration = 'OFF',
  ) {}

  client(clientId: unknown): PoolClient {
    const client = typeof clientId === 'string' ? this.clients.get(clientId) : undefined;
    if (!client) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
    return client;
  }

  /** By user name, or by the email a pool with `UsernameAttributes: [email]` signs in with. */
  find(username: string): PoolUser | undefined {
    const direct = this.users.get(username);
    if (direct) return direct;
    if (!this.usernameAttributes.length) return undefined;
    for (const user of this.users.values()) {
      if (this.usernameAttributes.some((name) => user.attributes.get(name) === username)) return user;
    }
    return undefined;
  }

  user(username: string): PoolUser {
    const user = this.find(username);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  /** A new user; `username` is the sign-in name (an email when the pool signs in with email). */
  create(username: string, attributes: ReadonlyMap<string, string>, status: UserStatus): PoolUser {
    const byEmail = this.usernameAttributes.includes('email');
    if (byEmail && !/^[^@\s]+@[^@\s]+$/.test(username))
      throw new CognitoError('InvalidParameterException', 'Username should be an email.');
    if (this.find(username) || (byEmail && this.find(attributes.get('email') ?? username)))
      throw new CognitoError('UsernameExistsException', 'User account already exists');
    const sub = randomUUID();
    const now = Date.now();
    const all = new Map(attributes);
    if (byEmail) all.set('email', username);
    all.set('sub', sub);
    const user: PoolUser = {
      username: byEmail ? sub : username,
      sub,
      attributes: all,
      groups: new Set(),
      status,
      enabled: true,
      createdAt: now,
      modifiedAt: now,
    };
    this.users.set(user.username, user);
    return user;
  }

  setPassword(user: PoolUser, password: string): void {
    this.checkPolicy(password);
    const salt = randomBytes(16);
    user.password = { salt, hash: scryptSync(password, salt, 32) };
    user.srp = srpVerifier(srpPoolName(this.poolId), user.username, password);
    user.modifiedAt = Date.now();
  }

  /** Hashes even for an unknown user, so the answer's timing does not tell which user names exist. */
  passwordMatches(user: PoolUser | undefined, password: string): boolean {
    const stored = user?.password ?? UNKNOWN_USER;
    const hash = scryptSync(password, stored.salt, 32);
    return timingSafeEqual(hash, stored.hash) && user?.password !== undefined;
  }

  private checkPolicy(password: string): void {
    const p = this.policy;
    const broken = [
      password.length < p.minimumLength && `Password not long enough (minimum ${p.minimumLength})`,
      p.requireLowercase && !/[a-z]/.test(password) && 'Password must have lowercase characters',
      p.requireUppercase && !/[A-Z]/.test(password) && 'Password must have uppercase characters',
      p.requireNumbers && !/[0-9]/.test(password) && 'Password must have numeric characters',
      p.requireSymbols && !/[^A-Za-z0-9\s]/.test(password) && 'Password must have symbol characters',
    ].filter(Boolean);
    if (broken.length)
      throw new CognitoError(
        'InvalidPasswordException',
        `Password did not conform with policy: ${broken[0]}`,
      );
  }
}

/** Cognito's legacy flow names, as ExplicitAuthFlows may still give them. */
const LEGACY_FLOWS: Readonly<Record<string, string>> = {
  ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  CUSTOM_AUTH_FLOW_ONLY: 'ALLOW_CUSTOM_AUTH',
};
const UNIT_SECONDS: Readonly<Record<string, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** Every user pool of the model, by pool id; `endpoint` is the local cloud's URL (the issuer's base). */
export function userPoolsFromModel(model: CloudModel, endpoint: string): Map<string, UserPool> {
  const pools = new Map<string, UserPool>();
  const clients = model.resources('AWS::Cognito::UserPoolClient').map((r) => model.properties(r));
  const clientIds = model.resources('AWS::Cognito::UserPoolClient').map((r) => model.identity(r).ref);
  const groups = model.resources('AWS::Cognito::UserPoolGroup').map((r) => model.properties(r));
  for (const resource of model.resources('AWS::Cognito::UserPool')) {
    const poolId = model.identity(resource).ref;
    const props = model.properties(resource);
    const own = new Map<string, PoolClient>();
    clients.forEach((client, i) => {
      if (client.UserPoolId !== poolId) return;
      const clientId = clientIds[i] ?? '';
      const flows = (Array.isArray(client.ExplicitAuthFlows) ? client.ExplicitAuthFlows : []).map((f) =>
        String(f),
      );
      const units = (client.TokenValidityUnits ?? {}) as Record<string, string>;
      const seconds = (value: unknown, unit: string | undefined, fallback: number) =>
        typeof value === 'number' ? value * (UNIT_SECONDS[unit ?? 'hours'] ?? 3600) : fallback;
      own.set(clientId, {
        clientId,
        name: typeof client.ClientName === 'string' ? client.ClientName : clientId,
        // No ExplicitAuthFlows: Cognito's default is SRP, refresh and custom auth.
        authFlows: new Set(
          flows.length
            ? flows.map((f) => LEGACY_FLOWS[f] ?? f)
            : ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH'],
        ),
        idTokenSeconds: seconds(client.IdTokenValidity, units.IdToken, 3600),
        accessTokenSeconds: seconds(client.AccessTokenValidity, units.AccessToken, 3600),
        authSessionSeconds: seconds(client.AuthSessionValidity, 'minutes', 180),
      });
    });
    const policy =
      ((props.Policies ?? {}) as { PasswordPolicy?: Record<string, unknown> }).PasswordPolicy ?? {};
    pools.set(
      poolId,
      new UserPool(
        poolId,
        typeof props.UserPoolName === 'string' ? props.UserPoolName : poolId,
        `${endpoint}/${poolId}`,
        own,
        new Set(groups.filter((g) => g.UserPoolId === poolId).map((g) => String(g.GroupName))),
        Array.isArray(props.UsernameAttributes) ? props.UsernameAttributes.map(String) : [],
        {
          minimumLength: typeof policy.MinimumLength === 'number' ? policy.MinimumLength : 8,
          requireLowercase: policy.RequireLowercase !== false,
          requireUppercase: policy.RequireUppercase !== false,
          requireNumbers: policy.RequireNumbers !== false,
          requireSymbols: policy.RequireSymbols !== false,
        },
        props.MfaConfiguration === 'ON' || props.MfaConfiguration === 'OPTIONAL'
          ? props.MfaConfiguration
          : 'OFF',
      ),
    );
  }
  return pools;
}
