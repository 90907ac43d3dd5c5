/** The plugin without AppSync APIs, auth as AppSync decides it, and the subscription filter. */
import { describe, expect, it } from 'vitest';
import { authenticate, fieldAllows } from '../../../local/appsync/auth.js';
import { appsyncPlugin } from '../../../local/appsync/plugin.js';
import { matches } from '../../../local/appsync/subscriptions.js';
import { CloudModel } from '../../../local/assembly/model.js';
import type { LocalCloud } from '../../../local/cloud.js';

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

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

  it('decodes a Cognito JWT into AppSync identity (sub, username, claims, groups), Bearer or not', () => {
    const claims = {
      sub: 's',
      'cognito:username': 'ada',
      'cognito:groups': ['admins'],
      iss: 'https://cognito-idp.x',
    };
    const caller = authenticate(config, { authorization: `Bearer ${jwt(claims)}` }, 'k');
    expect(caller?.mode).toBe('AMAZON_COGNITO_USER_POOLS');
    expect(caller?.identity).toMatchObject({ sub: 's', username: 'ada', claims, groups: ['admins'] });
    expect(authenticate(config, { authorization: 'not-a-jwt' }, 'k')).toBeUndefined();
  });

  it('refuses a mode the API does not have', () => {
    const keyOnly = { defaultAuth: { type: 'API_KEY' as const }, additionalAuth: [] };
    expect(authenticate(keyOnly, { authorization: jwt({ sub: 's' }) }, 'k')).toBeUndefined();
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
