/**
 * Who may read what, at the resolvers: the caller helpers (the token's email claims, the IAM admin
 * allow-list) and the fields that use them — `registerUser` takes a signed-in person's address from their
 * verified token, `onOrderUpdated` lets a customer subscribe to their own orders only, and an IAM caller is
 * an admin only when its role is allow-listed. The SDK clients are aws-sdk-client-mock stand-ins.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
  ADMIN_ROLE_ARNS_ENV,
  adminRoleArnsFrom,
  callerOf,
  field,
  graphqlHandler,
  isAdmin,
  isAllowListed,
} from '../../functions/kernel/graphql/index.js';
import { handler as ordersGraphql } from '../../functions/orders/handlers/graphql.js';
import { ORDER_VIEW_TABLE_ENV } from '../../functions/orders/read-model/order-view.js';
import { handler as usersGraphql } from '../../functions/users/handlers/graphql.js';
import { USER_PROFILE_TABLE_ENV } from '../../functions/users/read-model/user-profile.js';

const context = { awsRequestId: 'req-1', functionName: 'resolver' } as unknown as Context;
const OPERATOR = 'arn:aws:iam::111122223333:role/ops/commerceforge-operator';
const OPERATOR_SESSION = 'arn:aws:sts::111122223333:assumed-role/commerceforge-operator/alice';
const STRANGER_SESSION = 'arn:aws:sts::111122223333:assumed-role/some-service-role/fn';

const user = (sub: string, claims: Record<string, unknown> = {}, groups: string[] = ['customer']) => ({
  sub,
  claims: { sub, 'cognito:groups': groups, token_use: 'id', ...claims },
  groups,
});
const iam = (userArn: string) => ({ userArn, username: 'AROAEXAMPLE', accountId: '111122223333' });

const event = (parentTypeName: string, fieldName: string, args: unknown, identity: unknown) => ({
  arguments: args,
  identity,
  source: null,
  info: { parentTypeName, fieldName, selectionSetList: [] },
});

describe('callerOf', () => {
  it("reads the ID token's email and email_verified (a boolean, as Cognito writes it, or the string)", () => {
    expect(callerOf(user('u1', { email: 'ann@example.com', email_verified: true }))).toMatchObject({
      kind: 'user',
      userId: 'u1',
      email: 'ann@example.com',
      emailVerified: true,
    });
    expect(callerOf(user('u1', { email: 'ann@example.com', email_verified: 'true' }))).toMatchObject({
      emailVerified: true,
    });
    expect(callerOf(user('u1', { email: 'ann@example.com', email_verified: false }))).toMatchObject({
      emailVerified: false,
    });
    // An access token has no email claims.
    const access = callerOf(user('u1', { token_use: 'access' }));
    expect(access).toMatchObject({ kind: 'user', emailVerified: false });
    expect(access).not.toHaveProperty('email');
  });

  it('makes an IAM caller an admin only when its role is allow-listed', () => {
    expect(callerOf(iam(OPERATOR_SESSION), [OPERATOR])).toEqual({
      kind: 'service',
      id: OPERATOR_SESSION,
      admin: true,
    });
    expect(isAdmin(callerOf(iam(OPERATOR_SESSION), [OPERATOR]))).toBe(true);
    expect(isAdmin(callerOf(iam(STRANGER_SESSION), [OPERATOR]))).toBe(false);
    expect(isAdmin(callerOf(iam(OPERATOR_SESSION)))).toBe(false);
    // The API key stays a trusted developer; a person is an admin by the admin group only.
    expect(isAdmin(callerOf(null, []))).toBe(true);
    expect(isAdmin(callerOf(user('u1', {}, ['customer'])))).toBe(false);
    expect(isAdmin(callerOf(user('u1', {}, ['admin'])))).toBe(true);
  });
});

describe('isAllowListed', () => {
  it("matches a role's sessions by partition, account and role name (the session ARN has no path)", () => {
    expect(isAllowListed(OPERATOR_SESSION, [OPERATOR])).toBe(true);
    expect(isAllowListed('arn:aws:iam::111122223333:role/commerceforge-operator', [OPERATOR])).toBe(true);
    expect(isAllowListed('arn:aws:sts::999999999999:assumed-role/commerceforge-operator/x', [OPERATOR])).toBe(
      false,
    );
    expect(
      isAllowListed('arn:aws-cn:sts::111122223333:assumed-role/commerceforge-operator/x', [OPERATOR]),
    ).toBe(false);
    expect(
      isAllowListed('arn:aws:sts::111122223333:assumed-role/commerceforge-operator-2/x', [OPERATOR]),
    ).toBe(false);
    expect(isAllowListed('arn:aws:iam::111122223333:user/commerceforge-operator', [OPERATOR])).toBe(false);
    expect(isAllowListed('arn:aws:iam::111122223333:user/ci', ['arn:aws:iam::111122223333:user/ci'])).toBe(
      true,
    );
    expect(isAllowListed('not-an-arn', [OPERATOR, 'not-an-arn'])).toBe(false);
    expect(isAllowListed(OPERATOR_SESSION, [])).toBe(false);
  });

  it('reads the allow-list the Api stack writes (comma-separated, blanks dropped)', () => {
    expect(adminRoleArnsFrom(undefined)).toEqual([]);
    expect(adminRoleArnsFrom(` ${OPERATOR} ,, arn:aws:iam::1:role/b`)).toEqual([
      OPERATOR,
      'arn:aws:iam::1:role/b',
    ]);
  });
});

const lambda = mockClient(LambdaClient);
const ddb = mockClient(DynamoDBDocumentClient);
/** Commands the resolvers sent, by function: RecordAudit to security, RegisterUser to users. */
const sent = () =>
  lambda.commandCalls(InvokeCommand).map((call) => {
    const input = call.args[0].input;
    const payload = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as {
      command: { type: string; data: Record<string, unknown> };
    };
    return { functionName: input.FunctionName, ...payload.command };
  });

beforeEach(() => {
  lambda.reset();
  ddb.reset();
  vi.stubEnv('POWERTOOLS_TRACE_DISABLED', 'true');
  vi.stubEnv('SECURITY_COMMANDS_FUNCTION', 'security-commands');
  vi.stubEnv('USERS_COMMANDS_FUNCTION', 'users-commands');
  vi.stubEnv('ORDERS_COMMANDS_FUNCTION', 'orders-commands');
  vi.stubEnv(ORDER_VIEW_TABLE_ENV, 'order-view');
  vi.stubEnv(USER_PROFILE_TABLE_ENV, 'user-profile');
  lambda.on(InvokeCommand).callsFake((input: { FunctionName?: string; Payload?: Uint8Array }) => {
    const { command } = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as {
      command: { type: string; data: { userId?: string; email: string; name: string } };
    };
    const result =
      command.type === 'RegisterUser'
        ? {
            user: { userId: command.data.userId ?? 'generated', status: 'ACTIVE', ...command.data },
            version: 1,
          }
        : {};
    return { StatusCode: 200, Payload: Buffer.from(JSON.stringify({ events: [], result })) };
  });
  ddb.on(GetCommand).resolves({});
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('registerUser', () => {
  const register = (input: Record<string, unknown>, identity: unknown) =>
    usersGraphql(event('Mutation', 'registerUser', { input }, identity), context);

  it("registers a signed-in person with their token's verified email, whatever the input leaves out", async () => {
    const ann = user('ann-sub', { email: 'Ann@Example.com', email_verified: true });
    await expect(register({ name: 'Ann' }, ann)).resolves.toMatchObject({
      id: 'ann-sub',
      email: 'ann@example.com',
    });
    await expect(register({ name: 'Ann', email: 'ann@example.com ' }, ann)).resolves.toMatchObject({
      email: 'ann@example.com',
    });
    expect(sent().filter((c) => c.type === 'RegisterUser')).toEqual([
      expect.objectContaining({ data: { name: 'Ann', email: 'ann@example.com', userId: 'ann-sub' } }),
      expect.objectContaining({ data: { name: 'Ann', email: 'ann@example.com', userId: 'ann-sub' } }),
    ]);
  });

  it("refuses another address than the token's, an unverified one, and a token without one — audited", async () => {
    const mallory = user('mallory-sub', { email: 'mallory@example.com', email_verified: true });
    await expect(register({ name: 'M', email: 'ann@example.com' }, mallory)).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    const unverified = user('u2', { email: 'ann@example.com', email_verified: false });
    await expect(register({ name: 'M' }, unverified)).rejects.toMatchObject({ name: 'ForbiddenError' });
    const access = user('u3', { token_use: 'access' });
    await expect(register({ name: 'M', email: 'ann@example.com' }, access)).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    expect(sent().map((c) => c.type)).toEqual(['RecordAudit', 'RecordAudit', 'RecordAudit']);
  });

  it('lets the API key and an allow-listed role name the address; any other IAM caller is refused', async () => {
    await expect(register({ name: 'Dev', email: 'dev@example.com' }, null)).resolves.toMatchObject({
      email: 'dev@example.com',
    });
    await expect(register({ name: 'Dev' }, null)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      register({ name: 'S', email: 's@example.com' }, iam(STRANGER_SESSION)),
    ).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    vi.stubEnv(ADMIN_ROLE_ARNS_ENV, OPERATOR);
    await expect(
      register({ name: 'Op', email: 'op@example.com' }, iam(OPERATOR_SESSION)),
    ).resolves.toMatchObject({
      email: 'op@example.com',
    });
    expect(sent().map((c) => c.type)).toEqual(['RegisterUser', 'RecordAudit', 'RegisterUser']);
  });
});

describe('placeOrder', () => {
  const input = {
    customerId: 'ann-sub',
    items: [{ sku: 'MUG-1', quantity: 1 }],
    paymentToken: 'tok_visa',
    shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    idempotencyKey: 'checkout-1',
  };
  const place = () => ordersGraphql(event('Mutation', 'placeOrder', { input }, user('ann-sub')), context);
  const answer = (events: unknown[]) =>
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: Buffer.from(
        JSON.stringify({ events, result: { orderId: 'o-1', customerId: 'ann-sub', status: 'PENDING' } }),
      ) as never,
    });

  it('answers an order placed now from the command, and reads the view of one placed before', async () => {
    answer([{ eventId: 'e-1', type: 'OrderPlaced', streamId: 'o-1', streamVersion: 1 }]);
    await expect(place()).resolves.toMatchObject({ id: 'o-1', status: 'PENDING', failureReason: null });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    // The same idempotencyKey again appends nothing: the existing order's view, with its real timestamps.
    answer([]);
    ddb.on(GetCommand).resolves({
      Item: { id: 'o-1', customerId: 'ann-sub', status: 'CONFIRMED', createdAt: '2026-12-05T10:00:00.000Z' },
    });
    await expect(place()).resolves.toMatchObject({
      status: 'CONFIRMED',
      createdAt: '2026-12-05T10:00:00.000Z',
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});

describe('onOrderUpdated (the subscription resolver)', () => {
  const start = (args: Record<string, unknown>, identity: unknown) =>
    ordersGraphql(event('Subscription', 'onOrderUpdated', args, identity), context);
  const ann = user('ann-sub');
  const bob = user('bob-sub');

  it('lets a customer subscribe with their own customerId to an order not placed yet, or their own', async () => {
    await expect(start({ id: 'o-1', customerId: 'ann-sub' }, ann)).resolves.toBeNull();
    ddb.on(GetCommand).resolves({ Item: { id: 'o-1', customerId: 'ann-sub' } });
    await expect(start({ id: 'o-1', customerId: 'ann-sub' }, ann)).resolves.toBeNull();
    expect(sent()).toEqual([]);
  });

  it("refuses another customer's id, a missing customerId, and an order someone else placed — audited", async () => {
    await expect(start({ id: 'o-1', customerId: 'ann-sub' }, bob)).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    await expect(start({ id: 'o-1' }, bob)).rejects.toMatchObject({ name: 'ForbiddenError' });
    ddb.on(GetCommand).resolves({ Item: { id: 'o-1', customerId: 'ann-sub' } });
    await expect(start({ id: 'o-1', customerId: 'bob-sub' }, bob)).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    expect(sent()).toEqual([
      expect.objectContaining({
        type: 'RecordAudit',
        data: expect.objectContaining({ resource: 'order/o-1' }),
      }),
      expect.objectContaining({ type: 'RecordAudit' }),
      expect.objectContaining({ type: 'RecordAudit' }),
    ]);
  });

  it('lets admins, the API key and allow-listed roles subscribe to any order; other IAM callers not', async () => {
    await expect(start({ id: 'o-1' }, null)).resolves.toBeNull();
    await expect(start({ id: 'o-1' }, user('admin-sub', {}, ['admin']))).resolves.toBeNull();
    await expect(start({ id: 'o-1' }, iam(OPERATOR_SESSION))).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    vi.stubEnv(ADMIN_ROLE_ARNS_ENV, OPERATOR);
    await expect(start({ id: 'o-1' }, iam(OPERATOR_SESSION))).resolves.toBeNull();
  });
});

describe('admin operations for IAM callers', () => {
  const restock = graphqlHandler({
    service: 'test',
    fields: {
      'Mutation.restock': field(z.strictObject({ sku: z.string() }), async ({ sku }, ctx) => {
        await ctx.requireAdmin(`product/${sku}`);
        return { sku };
      }),
      'Query.order': field(z.strictObject({ customerId: z.string() }), async ({ customerId }, ctx) => {
        await ctx.requireSelfOrAdmin(customerId, `customer/${customerId}`);
        return { customerId };
      }),
    },
  });

  it('refuses an IAM caller that is not allow-listed, audited as that principal', async () => {
    await expect(
      restock(event('Mutation', 'restock', { sku: 'MUG' }, iam(STRANGER_SESSION)), context),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
    await expect(
      restock(event('Query', 'order', { customerId: 'ann-sub' }, iam(STRANGER_SESSION)), context),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
    expect(sent()[0]).toMatchObject({
      functionName: 'security-commands',
      type: 'RecordAudit',
      data: { principal: { type: 'service', id: STRANGER_SESSION }, action: 'Mutation.restock' },
    });
  });

  it('lets an allow-listed role run them', async () => {
    vi.stubEnv(ADMIN_ROLE_ARNS_ENV, `arn:aws:iam::111122223333:role/other,${OPERATOR}`);
    await expect(
      restock(event('Mutation', 'restock', { sku: 'MUG' }, iam(OPERATOR_SESSION)), context),
    ).resolves.toEqual({
      sku: 'MUG',
    });
    await expect(
      restock(event('Query', 'order', { customerId: 'ann-sub' }, iam(OPERATOR_SESSION)), context),
    ).resolves.toEqual({ customerId: 'ann-sub' });
    expect(sent()).toEqual([]);
  });
});
