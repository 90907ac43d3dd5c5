import { describe, expect, it } from 'vitest';
import { accessKeyIdFor, LocalIdentities } from '../../../local/iam/identities.js';
import {
  authorize,
  identityMayAllow,
  type LocalPrincipal,
  type PolicyDocument,
  parsePolicy,
  statementPolicy,
} from '../../../local/iam/policy.js';

const ACCOUNT = '000000000000';
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/shop`;
const ORDERS_ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-publisher`;
const PAYMENTS_ROLE = `arn:aws:iam::${ACCOUNT}:role/payments-publisher`;

/** Each role may put its own source (identity grant scoped by events:source), as the CDK grant writes it. */
const publishOnly = (source: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: BUS,
      Condition: { StringEquals: { 'events:source': source } },
    },
  ],
});

/** The bus policy: a source is denied to every principal but its publisher. */
const busPolicy: PolicyDocument[] = [
  statementPolicy(
    {
      Sid: 'OnlyPublisherOf-shop-payments',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: BUS,
      Condition: {
        StringEquals: { 'events:source': 'shop.payments' },
        ArnNotEquals: { 'aws:PrincipalArn': [PAYMENTS_ROLE] },
      },
    },
    'test',
  ),
];

const identities = new LocalIdentities(ACCOUNT, [
  { arn: ORDERS_ROLE, policies: [publishOnly('shop.orders')] },
  { arn: PAYMENTS_ROLE, policies: [publishOnly('shop.payments')] },
]);
const put = (principal: LocalPrincipal, source: string, policies = busPolicy) =>
  authorize(
    { principal, action: 'events:PutEvents', resource: BUS, context: { 'events:source': source } },
    policies,
  ).effect;

describe('authorize (IAM evaluation, one account)', () => {
  it('allows a role its own source through its scoped identity grant', () => {
    expect(put(identities.principalForRole(PAYMENTS_ROLE), 'shop.payments')).toBe('Allow');
    expect(put(identities.principalForRole(ORDERS_ROLE), 'shop.orders')).toBe('Allow');
  });

  it("denies another role the reserved source: the bus policy's explicit Deny", () => {
    expect(
      authorize(
        {
          principal: identities.principalForRole(ORDERS_ROLE),
          action: 'events:PutEvents',
          resource: BUS,
          context: { 'events:source': 'shop.payments' },
        },
        busPolicy,
      ),
    ).toEqual({ effect: 'ExplicitDeny', by: 'resource', sid: 'OnlyPublisherOf-shop-payments' });
  });

  it('denies the root (whose identity allows all) the reserved source, and allows it any other', () => {
    const root = identities.root();
    expect(put(root, 'shop.payments')).toBe('ExplicitDeny');
    expect(put(root, 'shop.orders')).toBe('Allow');
  });

  it('leaves a source the identity grant does not cover implicitly denied', () => {
    expect(put(identities.principalForRole(ORDERS_ROLE), 'other.source')).toBe('ImplicitDeny');
    expect(identityMayAllow(identities.principalForRole(ORDERS_ROLE), 'events:PutEvents', BUS)).toBe(true);
    expect(
      identityMayAllow(identities.principalForRole('arn:aws:iam::0:role/x'), 'events:PutEvents', BUS),
    ).toBe(false);
  });

  it('lets an Allow in the resource policy grant a principal of the same account', () => {
    const allow = statementPolicy(
      { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'events:*', Resource: BUS },
      'test',
    );
    const nobody = identities.principalForRole(`arn:aws:iam::${ACCOUNT}:role/nobody`);
    expect(put(nobody, 'x', [])).toBe('ImplicitDeny');
    expect(put(nobody, 'x', [allow])).toBe('Allow');
    // Another account needs both sides.
    const stranger: LocalPrincipal = {
      arn: 'arn:aws:iam::111111111111:root',
      accountId: '111111111111',
      root: true,
      policies: [],
    };
    expect(put(stranger, 'x', [allow])).toBe('ImplicitDeny');
  });

  it('matches actions case-insensitively and with wildcards, resources with wildcards', () => {
    const role = { ...identities.principalForRole(ORDERS_ROLE) };
    const wide: LocalPrincipal = {
      ...role,
      policies: [
        {
          Statement: {
            Effect: 'Allow',
            Action: 'Events:Put*',
            Resource: 'arn:aws:events:*:*:event-bus/sh?p',
          },
        },
      ],
    };
    expect(put(wide, 'anything', [])).toBe('Allow');
    const notAction: LocalPrincipal = {
      ...role,
      policies: [{ Statement: { Effect: 'Allow', NotAction: 'events:PutEvents', Resource: '*' } }],
    };
    expect(put(notAction, 'anything', [])).toBe('ImplicitDeny');
  });
});

describe('conditions', () => {
  const principal = (condition: Record<string, Record<string, unknown>>): LocalPrincipal => ({
    arn: ORDERS_ROLE,
    accountId: ACCOUNT,
    root: false,
    policies: [{ Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: condition } }],
  });
  const allowed = (
    condition: Record<string, Record<string, unknown>>,
    context: Record<string, string | string[]>,
  ) =>
    authorize({ principal: principal(condition), action: 'a:B', resource: BUS, context }).effect === 'Allow';

  it('ANDs operators and keys, ORs the values of a key; keys are case-insensitive', () => {
    const condition = {
      StringEquals: { 'Events:Source': ['a', 'b'] },
      StringLike: { 'events:detail-type': 'Order*' },
    };
    expect(allowed(condition, { 'events:source': 'b', 'events:detail-type': 'OrderPlaced' })).toBe(true);
    expect(allowed(condition, { 'events:source': 'c', 'events:detail-type': 'OrderPlaced' })).toBe(false);
    expect(allowed(condition, { 'events:source': 'a', 'events:detail-type': 'UserCreated' })).toBe(false);
  });

  it('makes a missing key fail a positive operator and pass a negated one; IfExists and Null', () => {
    expect(allowed({ StringEquals: { 'events:source': 'a' } }, {})).toBe(false);
    expect(allowed({ StringNotEquals: { 'events:source': 'a' } }, {})).toBe(true);
    expect(allowed({ StringEqualsIfExists: { 'events:source': 'a' } }, {})).toBe(true);
    expect(allowed({ Null: { 'events:source': 'true' } }, {})).toBe(true);
    expect(allowed({ Null: { 'events:source': 'false' } }, { 'events:source': 'a' })).toBe(true);
  });

  it('compares ARNs (with wildcards), the principal ARN included', () => {
    expect(allowed({ ArnEquals: { 'aws:PrincipalArn': ORDERS_ROLE } }, {})).toBe(true);
    expect(allowed({ ArnNotEquals: { 'aws:PrincipalArn': [PAYMENTS_ROLE] } }, {})).toBe(true);
    expect(allowed({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/payments-*' } }, {})).toBe(false);
  });

  it('compares sets with ForAnyValue / ForAllValues', () => {
    expect(allowed({ 'ForAnyValue:StringEquals': { 'k:tags': ['x'] } }, { 'k:tags': ['y', 'x'] })).toBe(true);
    expect(allowed({ 'ForAllValues:StringEquals': { 'k:tags': ['x'] } }, { 'k:tags': ['y', 'x'] })).toBe(
      false,
    );
  });

  it('refuses to load a policy it cannot evaluate (a typed LocalCloudError)', () => {
    expect(() =>
      parsePolicy(
        { Statement: { Effect: 'Deny', Action: '*', Condition: { DateGreaterThan: { k: '1' } } } },
        'p',
      ),
    ).toThrow(expect.objectContaining({ name: 'LocalCloudError', code: 'IAM_POLICY_INVALID' }));
    expect(() => parsePolicy('{not json', 'p')).toThrow(
      expect.objectContaining({ code: 'IAM_POLICY_INVALID' }),
    );
    expect(() => parsePolicy({ Statement: { Effect: 'Maybe', Action: '*' } }, 'p')).toThrow(/Effect/);
  });
});

describe('LocalIdentities', () => {
  it('gives each role its own alphanumeric key (DynamoDB Local refuses _ and -), and any other key is root', () => {
    const key = identities.accessKeyIdOf(ORDERS_ROLE);
    expect(key).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(key).not.toBe(identities.accessKeyIdOf(PAYMENTS_ROLE));
    expect(key).toBe(accessKeyIdFor(ORDERS_ROLE));
    expect(identities.principalForAccessKey(key)).toMatchObject({ arn: ORDERS_ROLE, root: false });
    expect(identities.principalForAccessKey('localaccesskey')).toMatchObject({
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      root: true,
    });
    expect(identities.principalForAccessKey(undefined).root).toBe(true);
  });
});
