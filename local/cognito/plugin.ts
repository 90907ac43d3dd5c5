/**
 * Cognito user pools, locally: the template's pools and clients, the token API on the endpoint, and each
 * pool's issuer at `<endpoint>/<poolId>` (the templates' `ProviderURL` resolves to it) with its JWKS at
 * `<endpoint>/<poolId>/.well-known/jwks.json` and its OpenID configuration beside it. `verify` is how the local
 * AppSync checks a token; the signing keys are made at start and never leave the process.
 */
import type { LocalCloud } from '../cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { json } from '../server/router.js';
import { jwkOf } from './jwt.js';
import { type UserPool, userPoolsFromModel } from './pools.js';
import { CognitoService } from './service.js';
import { type Verification, verifyToken } from './tokens.js';

export const COGNITO_RESOURCE_TYPES = [
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolGroup',
];

export interface CognitoPlugin extends LocalCloudPlugin {
  readonly pools: ReadonlyMap<string, UserPool>;
  /** Checks a JWT against the local pools (signature, issuer, client, expiry, token_use). */
  verify(token: string): Verification;
  /** `verify` as a relying party (the local AppSync's `verifyJwt`) takes it: the claims and their pool, or undefined. */
  verifyJwt(
    token: string,
  ): { claims: Record<string, unknown>; userPoolId: string; issuer: string } | undefined;
}

const WELL_KNOWN = /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;

export function cognitoPlugin(): CognitoPlugin {
  let pools: ReadonlyMap<string, UserPool> = new Map();
  return {
    name: 'cognito',
    resourceTypes: COGNITO_RESOURCE_TYPES,
    get pools() {
      return pools;
    },
    verify: (token) => verifyToken(pools, token),
    verifyJwt: (token) => {
      const checked = verifyToken(pools, token);
      return checked.ok
        ? { claims: checked.claims, userPoolId: checked.pool.poolId, issuer: checked.pool.issuer }
        : undefined;
    },
    start(cloud: LocalCloud) {
      pools = userPoolsFromModel(cloud.model, cloud.url);
      if (!pools.size) return;
      cloud.registerService(new CognitoService(pools, (line) => cloud.logger.info(`  ${line}`)));
      cloud.router.addRoute('GET', WELL_KNOWN, async (_request, match) => {
        const pool = pools.get(match[1] ?? '');
        if (!pool) return undefined;
        if (match[2] === 'jwks.json') return json(200, { keys: [jwkOf(pool.key)] });
        return json(200, {
          issuer: pool.issuer,
          jwks_uri: `${pool.issuer}/.well-known/jwks.json`,
          id_token_signing_alg_values_supported: ['RS256'],
          subject_types_supported: ['public'],
          response_types_supported: ['code', 'token'],
        });
      });
      cloud.logger.info(
        `  cognito: ${[...pools.values()].map((p) => `${p.name} (${p.poolId}, ${p.clients.size} client(s))`).join(', ')}`,
      );
    },
    health: () => ({
      pools: [...pools.values()].map((pool) => ({
        poolId: pool.poolId,
        name: pool.name,
        issuer: pool.issuer,
        clients: [...pool.clients.keys()],
        users: pool.users.size,
      })),
    }),
  };
}
