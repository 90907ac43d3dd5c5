/**
 * Who is calling, as AppSync decides it: a SigV4 `Authorization` header is IAM, any other `Authorization`
 * header a JWT (Cognito user pools or OIDC), else `x-api-key`. The request must match one of the API's
 * modes, or it gets AppSync's 401. A JWT counts only when `verifyJwt` vouches for it (the local Cognito checks
 * signature, issuer, client, expiry and token_use) and it comes from the mode's user pool (or OIDC issuer) and
 * a client `appIdClientRegex` allows; with no verifier every JWT is refused. Then each field is checked against
 * its auth directives as AppSync does: the field's directives, else its type's, else the API's default mode.
 */
import { LOCAL_ACCOUNT_ID } from '../core/aws-service.js';
import type { AuthenticationType, AuthMode } from './resources.js';

export const DEFAULT_LOCAL_API_KEY = 'local-dev-key';

export interface Caller {
  readonly mode: AuthenticationType;
  /** `ctx.identity`: null for API keys. */
  readonly identity: Record<string, unknown> | null;
  readonly groups: readonly string[];
}

export interface AuthConfig {
  readonly defaultAuth: AuthMode;
  readonly additionalAuth: readonly AuthMode[];
}

/** A verified token's claims and the user pool that issued it; undefined when the token is not to be believed. */
export type JwtVerifier = (
  token: string,
) =>
  | { readonly claims: Record<string, unknown>; readonly userPoolId: string; readonly issuer: string }
  | undefined;

export interface AuthenticateOptions {
  readonly sourceIp?: string;
  /** @default refuses every JWT */
  readonly verifyJwt?: JwtVerifier;
}

export const UNAUTHORIZED_BODY = {
  errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
};

export function authenticate(
  config: AuthConfig,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  apiKey: string,
  options: AuthenticateOptions = {},
): Caller | undefined {
  const sourceIp = options.sourceIp ?? '127.0.0.1';
  const modes = new Set([config.defaultAuth.type, ...config.additionalAuth.map((mode) => mode.type)]);
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const authorization = header('authorization');
  if (authorization?.startsWith('AWS4-HMAC-SHA256')) {
    if (!modes.has('AWS_IAM')) return undefined;
    const accessKeyId = /Credential=([^/]+)\//.exec(authorization)?.[1] ?? 'unknown';
    return {
      mode: 'AWS_IAM',
      groups: [],
      identity: {
        accountId: LOCAL_ACCOUNT_ID,
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: [sourceIp],
        username: accessKeyId,
        userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${accessKeyId}`,
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    };
  }
  if (authorization && (modes.has('AMAZON_COGNITO_USER_POOLS') || modes.has('OPENID_CONNECT'))) {
    const verified = options.verifyJwt?.(authorization.replace(/^Bearer\s+/i, ''));
    if (!verified) return undefined;
    const { claims } = verified;
    const clientId = String(claims.token_use === 'access' ? claims.client_id : claims.aud);
    const allowed = (mode: AuthMode) =>
      !mode.appIdClientRegex || new RegExp(`^(?:${mode.appIdClientRegex})$`).test(clientId);
    const all = [config.defaultAuth, ...config.additionalAuth];
    const groupsClaim = claims['cognito:groups'];
    const groups = Array.isArray(groupsClaim) ? groupsClaim.map(String) : [];
    const pool = all.find(
      (mode) =>
        mode.type === 'AMAZON_COGNITO_USER_POOLS' &&
        (mode.userPoolId === undefined || mode.userPoolId === verified.userPoolId) &&
        allowed(mode),
    );
    if (pool) {
      return {
        mode: 'AMAZON_COGNITO_USER_POOLS',
        groups,
        identity: {
          sub: claims.sub ?? null,
          issuer: claims.iss ?? null,
          username: claims['cognito:username'] ?? claims.username ?? claims.sub ?? null,
          claims,
          sourceIp: [sourceIp],
          defaultAuthStrategy: 'ALLOW',
          groups: groups.length ? groups : null,
        },
      };
    }
    const oidc = all.find(
      (mode) => mode.type === 'OPENID_CONNECT' && mode.issuer === verified.issuer && allowed(mode),
    );
    if (!oidc) return undefined;
    return {
      mode: 'OPENID_CONNECT',
      groups,
      identity: { sub: claims.sub ?? null, issuer: claims.iss ?? null, claims },
    };
  }
  const key = header('x-api-key');
  if (key !== undefined && modes.has('API_KEY') && key === apiKey)
    return { mode: 'API_KEY', groups: [], identity: null };
  return undefined;
}

const DIRECTIVE_MODES: Readonly<Record<string, AuthenticationType>> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_auth: 'AMAZON_COGNITO_USER_POOLS',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
};

export interface AuthDirective {
  readonly name: string;
  /** `cognito_groups`, when given. */
  readonly groups?: readonly string[];
}

/** The modes a field allows: its own directives, else its type's, else the default mode. */
export function fieldAllows(
  caller: Caller,
  defaultMode: AuthenticationType,
  fieldDirectives: readonly AuthDirective[],
  typeDirectives: readonly AuthDirective[],
): boolean {
  const fieldAuth = fieldDirectives.filter((d) => d.name in DIRECTIVE_MODES);
  const typeAuth = typeDirectives.filter((d) => d.name in DIRECTIVE_MODES);
  const rules = fieldAuth.length ? fieldAuth : typeAuth;
  if (!rules.length) return caller.mode === defaultMode;
  return rules.some(
    (rule) =>
      DIRECTIVE_MODES[rule.name] === caller.mode &&
      (!rule.groups?.length || rule.groups.some((group) => caller.groups.includes(group))),
  );
}
