/** The plugin without AppSync APIs, auth as AppSync decides it, and the subscription filter. */
import { describe, expect, it } from 'vitest';
import { authenticate, fieldAllows } from '../../../local/appsync/auth.js';
import { appsyncPlugin } from '../../../local/appsync/plugin.js';
import { matches } from '../../../local/appsync/subscriptions.js';
import { CloudModel } from '../../../local/assembly/model.js';
import type { LocalCloud } from '../../../local/cloud.js';
import { localPool } from '../../helpers/local-pool.js';

describe('appsyncPlugin', () => {
  it('does nothing when the app has no GraphQL API', async () => {
    const model = new CloudModel([], {
      accountId: '000000000000',
      region: 'us-east-1',
      endpoint: 'http://x',
    });
    const routes: unknown[] = [];
    const cloud = {
      model,
      router: { addRoute: (...args: unknown[]) => routes.push(args) },
    } as unknown as LocalCloud;
    const plugin = appsyncPlugin();
    await plugin.start(cloud);
    expect(routes).toEqual([]);
    expect(plugin.primary).toBeUndefined();
  });
});

describe('authenticate', () => {
  const config = {
    defaultAuth: { type: 'API_KEY' as const },
    additionalAuth: [{ type: 'AMAZON_COGNITO_USER_POOLS' as const }, { type: 'AWS_IAM' as const }],
  };

  it('takes the API key only when it is the local key', () => {
    expect(authenticate(config, { 'x-api-key': 'k' }, 'k')).toEqual({
      mode: 'API_KEY',
      groups: [],
      identity: null,
    });
    expect(authenticate(config, { 'x-api-key': 'other' }, 'k')).toBeUndefined();
    expect(authenticate(config, {}, 'k')).toBeUndefined();
  });

  const local = localPool();
  const verified = { verifyJwt: local.verifyJwt };
  const edit = (token: string, change: (claims: Record<string, unknown>) => void) => {
    const [head, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    change(claims);
    return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  };

  it('takes a verified Cognito JWT as AppSync identity (sub, username, claims, groups), Bearer or not', () => {
    const token = local.idToken('ada', ['admins']);
    const caller = authenticate(config, { authorization: `Bearer ${token}` }, 'k', verified);
    expect(caller?.mode).toBe('AMAZON_COGNITO_USER_POOLS');
    const sub = local.pool.find('ada')?.sub;
    expect(caller?.identity).toMatchObject({
      sub,
      username: 'ada',
      claims: { sub, token_use: 'id', 'cognito:groups': ['admins'] },
      groups: ['admins'],
    });
    expect(caller?.groups).toEqual(['admins']);
    // Access tokens too, as AppSync takes them (Amplify sends the access token).
    const access = authenticate(config, { authorization: local.tokens('ada').AccessToken }, 'k', verified);
    expect(access?.identity).toMatchObject({ sub, username: 'ada' });
    expect(authenticate(config, { authorization: 'not-a-jwt' }, 'k', verified)).toBeUndefined();
  });

  it('refuses a forged, edited, expired or foreign token, and every JWT without a verifier', () => {
    const token = local.idToken('bob', ['customer']);
    const refused = (authorization: string) =>
      expect(authenticate(config, { authorization }, 'k', verified)).toBeUndefined();
    refused(edit(token, (claims) => (claims.sub = 'someone-else')));
    refused(edit(token, (claims) => (claims['cognito:groups'] = ['admins'])));
    refused(localPool(local.pool.poolId).idToken('bob')); // same pool id, another key
    refused(local.tokens('bob', [], Date.now() - 2 * 3600_000).IdToken); // expired an hour ago
    const [, body] = token.split('.');
    refused(`${Buffer.from('{"alg":"none","kid":"x"}').toString('base64url')}.${body}.`);
    expect(authenticate(config, { authorization: token }, 'k')).toBeUndefined();
    // A mode for another user pool does not take this pool's tokens.
    const otherPool = {
      defaultAuth: { type: 'AMAZON_COGNITO_USER_POOLS' as const, userPoolId: 'us-east-1_Other' },
      additionalAuth: [],
    };
    expect(authenticate(otherPool, { authorization: token }, 'k', verified)).toBeUndefined();
    const regex = { type: 'AMAZON_COGNITO_USER_POOLS' as const, appIdClientRegex: 'other-.*' };
    expect(
      authenticate({ defaultAuth: regex, additionalAuth: [] }, { authorization: token }, 'k', verified),
    ).toBeUndefined();
  });

  it('refuses a mode the API does not have', () => {
    const keyOnly = { defaultAuth: { type: 'API_KEY' as const }, additionalAuth: [] };
    expect(authenticate(keyOnly, { authorization: local.idToken('s') }, 'k', verified)).toBeUndefined();
  });
});

describe('fieldAllows', () => {
  const cognito = { mode: 'AMAZON_COGNITO_USER_POOLS' as const, identity: {}, groups: ['staff'] };
  it('uses the field directives, else the type directives, else the default mode', () => {
    expect(fieldAllows(cognito, 'API_KEY', [], [])).toBe(false);
    expect(fieldAllows(cognito, 'API_KEY', [], [{ name: 'aws_cognito_user_pools' }])).toBe(true);
    expect(
      fieldAllows(cognito, 'API_KEY', [{ name: 'aws_api_key' }], [{ name: 'aws_cognito_user_pools' }]),
    ).toBe(false);
    expect(
      fieldAllows(cognito, 'API_KEY', [{ name: 'aws_cognito_user_pools', groups: ['admins'] }], []),
    ).toBe(false);
    expect(fieldAllows(cognito, 'API_KEY', [{ name: 'aws_cognito_user_pools', groups: ['staff'] }], [])).toBe(
      true,
    );
  });
});

describe('subscription filter', () => {
  it('delivers when every argument given equals the result field of that name', () => {
    expect(matches({ customerId: 'c-1' }, { customerId: 'c-1', id: 'o' })).toBe(true);
    expect(matches({ customerId: 'c-1' }, { customerId: 'c-2' })).toBe(false);
    expect(matches({ customerId: null }, { customerId: 'c-2' })).toBe(true);
    expect(matches({}, { id: 'o' })).toBe(true);
  });
});
