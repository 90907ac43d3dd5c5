/**
 * A user pool of the local Cognito without a cloud, for unit tests of what verifies its tokens (the local
 * AppSync): real RS256 tokens from `issueTokens`, and the verifier the local cloud wires into AppSync.
 */
import type { JwtVerifier } from '../../local/appsync/auth.js';
import { issueTokens, UserPool, verifyToken } from '../../local/cognito/index.js';

export function localPool(poolId = 'us-east-1_TestPool', clientId = 'test-client') {
  const pool = new UserPool(
    poolId,
    'test-pool',
    `http://127.0.0.1:1/${poolId}`,
    new Map([
      [
        clientId,
        {
          clientId,
          name: 'web',
          authFlows: new Set(['ALLOW_ADMIN_USER_PASSWORD_AUTH']),
          idTokenSeconds: 3600,
          accessTokenSeconds: 3600,
        },
      ],
    ]),
    new Set(['admins', 'customer']),
    [],
    {
      minimumLength: 8,
      requireLowercase: false,
      requireUppercase: false,
      requireNumbers: false,
      requireSymbols: false,
    },
  );
  const pools = new Map([[poolId, pool]]);
  const verifyJwt: JwtVerifier = (token) => {
    const checked = verifyToken(pools, token);
    return checked.ok ? { claims: checked.claims, userPoolId: pool.poolId, issuer: pool.issuer } : undefined;
  };
  /** A user's tokens (the user is made on first use). */
  const tokens = (username: string, groups: readonly string[] = [], now = Date.now()) => {
    const user = pool.find(username) ?? pool.create(username, new Map(), 'CONFIRMED');
    for (const group of groups) user.groups.add(group);
    return issueTokens(pool, pool.client(clientId), user, now);
  };
  return {
    pool,
    pools,
    verifyJwt,
    tokens,
    idToken: (username: string, groups?: readonly string[]) => tokens(username, groups).IdToken,
  };
}
