import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
  type CommandInvoker,
  callerOf,
  field,
  graphqlHandler,
  isAdmin,
} from '../../functions/kernel/graphql/index.js';

const context = { awsRequestId: 'req-1', functionName: 'resolver' } as unknown as Context;

function fakeInvoker() {
  const calls: { functionName: string; command: { type: string; data: unknown }; actor: unknown }[] = [];
  const invoker: CommandInvoker = {
    async invoke(functionName, command, actor) {
      calls.push({ functionName, command, actor });
      return { events: [], result: {} as never };
    },
  };
  return { invoker, calls };
}

const event = (fieldName: string, args: unknown, identity: unknown = null, parentTypeName = 'Mutation') => ({
  arguments: args,
  identity,
  source: null,
  info: { parentTypeName, fieldName, selectionSetList: [] },
});

const customer = { sub: 'user-1', claims: { 'cognito:groups': ['customer'] }, groups: ['customer'] };
const admin = { sub: 'admin-1', claims: {}, groups: ['admin'] };

let fake: ReturnType<typeof fakeInvoker>;
let written: unknown[];
let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeEach(() => {
  vi.stubEnv('SECURITY_COMMANDS_FUNCTION', 'security-commands');
  vi.stubEnv('POWERTOOLS_TRACE_DISABLED', 'true');
  fake = fakeInvoker();
  written = [];
  handler = graphqlHandler({
    service: 'test',
    invoker: fake.invoker,
    fields: {
      'Mutation.restock': field(
        z.strictObject({ input: z.strictObject({ sku: z.string(), quantity: z.number().int().min(1) }) }),
        async ({ input }, ctx) => {
          await ctx.requireAdmin(`product/${input.sku}`);
          written.push(input);
          return input;
        },
      ),
      'Query.orders': field(z.strictObject({ customerId: z.string() }), async ({ customerId }, ctx) => {
        await ctx.requireSelfOrAdmin(customerId, `customer/${customerId}/orders`);
        return [];
      }),
    },
  });
});

describe('the GraphQL resolver kit', () => {
  it('refuses invalid arguments with a ValidationError whose message starts with its code, before the field runs', async () => {
    const error = await handler(
      event('restock', { input: { sku: 'MUG', quantity: 0 } }, admin),
      context,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationError', code: 'VALIDATION_ERROR' });
    expect((error as Error).message).toMatch(/^VALIDATION_ERROR: input\.quantity/);
    expect(written).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('refuses unknown arguments too (strict schemas)', async () => {
    await expect(
      handler(event('restock', { input: { sku: 'MUG', quantity: 1, price: 0 } }, admin), context),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('lets admins and the API key run admin operations, without an audit record', async () => {
    await handler(event('restock', { input: { sku: 'MUG', quantity: 1 } }, admin), context);
    await handler(event('restock', { input: { sku: 'MUG', quantity: 2 } }, null), context);
    expect(written).toHaveLength(2);
    expect(fake.calls).toEqual([]);
  });

  it("denies a customer an admin operation, records SecurityAuditRecorded through security's RecordAudit, writes nothing", async () => {
    await expect(
      handler(event('restock', { input: { sku: 'MUG', quantity: 1 } }, customer), context),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
    expect(written).toEqual([]);
    expect(fake.calls).toEqual([
      {
        functionName: 'security-commands',
        actor: { type: 'service', id: 'graphql' },
        command: {
          type: 'RecordAudit',
          data: {
            category: 'ACCESS_DENIAL',
            principal: { type: 'user', id: 'user-1' },
            action: 'Mutation.restock',
            resource: 'product/MUG',
            outcome: 'DENIED',
            details: { reason: 'Mutation.restock needs the admin group' },
          },
        },
      },
    ]);
  });

  it('lets a customer read their own data only; another customer is denied and audited', async () => {
    await expect(
      handler(event('orders', { customerId: 'user-1' }, customer, 'Query'), context),
    ).resolves.toEqual([]);
    expect(fake.calls).toEqual([]);
    await expect(
      handler(event('orders', { customerId: 'user-2' }, customer, 'Query'), context),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
    expect(fake.calls).toHaveLength(1);
  });

  it('still refuses when the audit cannot be written', async () => {
    const failing: CommandInvoker = {
      invoke: async () => {
        throw new Error('security is down');
      },
    };
    const refusing = graphqlHandler({
      service: 'test',
      invoker: failing,
      fields: {
        'Mutation.restock': field(z.strictObject({}), async (_args, ctx) => ctx.requireAdmin('product/X')),
      },
    });
    await expect(refusing(event('restock', {}, customer), context)).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
  });

  it('names an unknown field as a ValidationError', async () => {
    await expect(handler(event('nope', {}), context)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('callers', () => {
  it('tells an API key, a Cognito user and an IAM role apart', () => {
    expect(callerOf(null)).toEqual({ kind: 'developer' });
    expect(callerOf(customer)).toEqual({
      kind: 'user',
      userId: 'user-1',
      groups: ['customer'],
      emailVerified: false,
    });
    expect(callerOf({ userArn: 'arn:aws:iam::1:role/x', username: 'AROA' })).toEqual({
      kind: 'service',
      id: 'arn:aws:iam::1:role/x',
      admin: false,
    });
    expect(isAdmin(callerOf(customer))).toBe(false);
    expect(isAdmin(callerOf(admin))).toBe(true);
    expect(isAdmin(callerOf(null))).toBe(true);
  });
});
