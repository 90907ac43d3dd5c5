/**
 * The local AppSync enforces the template's QueryDepthLimit, ResolverCountLimit and IntrospectionConfig as
 * AppSync does: deeper fields fail with QueryDepthLimitReached (partial data), resolvers past the count fail
 * with ResolverExecutionLimitReached without invoking their function, and a disabled introspection is a
 * validation error (`__typename` still works). The resolvers' function is a stand-in LambdaInvoker that
 * counts its invocations.
 */
import { parse } from 'graphql';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../local/appsync/auth.js';
import { ExecutableApi } from '../../../local/appsync/executable.js';
import { type ExecutionLimits, fieldDepth, readLimits } from '../../../local/appsync/limits.js';
import type { ResolverPlan } from '../../../local/appsync/plan.js';
import type { LambdaInvoker } from '../../../local/core/aws-service.js';

const SDL = /* GraphQL */ `
  type Layer @aws_api_key { value: Int next: Layer }
  type Query {
    nextLayer: Layer @aws_api_key
    ping: String @aws_api_key
    pings: [String] @aws_api_key
  }
`;

const plan = (typeName: string, fieldName: string): ResolverPlan => ({
  kind: 'lambda',
  origin: { source: 'test', typeName, fieldName },
  functionArn: `${typeName}.${fieldName}`,
});

let invocations = 0;
const lambda: LambdaInvoker = {
  async invoke(functionArn) {
    invocations++;
    const payload =
      functionArn === 'Query.nextLayer' ? { value: 1, next: { value: 2, next: { value: 3 } } } : 'pong';
    return { statusCode: 200, payload, executedVersion: '$LATEST' };
  },
};

const caller: Caller = { mode: 'API_KEY', identity: null, groups: [] };
const apiWith = (limits: ExecutionLimits) =>
  new ExecutableApi({
    name: 'test',
    document: parse(SDL),
    plans: new Map([
      ['Query.nextLayer', plan('Query', 'nextLayer')],
      ['Query.ping', plan('Query', 'ping')],
    ]),
    auth: { defaultAuth: { type: 'API_KEY' }, additionalAuth: [] },
    lambda,
    limits,
  });
const run = (api: ExecutableApi, query: string) => api.run({ query }, caller, {});

beforeEach(() => {
  invocations = 0;
});

describe('reading the limits from the template', () => {
  it('takes QueryDepthLimit, ResolverCountLimit and IntrospectionConfig; 0 or absent means none', () => {
    expect(
      readLimits({ QueryDepthLimit: 8, ResolverCountLimit: 100, IntrospectionConfig: 'DISABLED' }),
    ).toEqual({
      queryDepthLimit: 8,
      resolverCountLimit: 100,
      introspection: false,
    });
    expect(readLimits({ QueryDepthLimit: 0 })).toEqual({ introspection: true });
  });

  it('counts field names, not list indexes, as depth', () => {
    const path = {
      prev: { prev: { prev: undefined, key: 'a', typename: 'Q' }, key: 0, typename: undefined },
      key: 'b',
      typename: 'T',
    };
    expect(fieldDepth({ path })).toBe(2);
  });
});

describe('query depth', () => {
  const DEEP = '{ L1: nextLayer { L2: next { L3: next { L4: value } } } }';

  it('answers fields down to the limit and fails deeper ones with QueryDepthLimitReached (partial data)', async () => {
    const answer = await run(apiWith({ queryDepthLimit: 2 }), DEEP);
    expect(answer.data).toEqual({ L1: { L2: { L3: null } } });
    expect(answer.errors).toEqual([
      expect.objectContaining({ errorType: 'QueryDepthLimitReached', path: ['L1', 'L2', 'L3'] }),
    ]);
  });

  it('answers the whole query without a limit', async () => {
    const answer = await run(apiWith({}), DEEP);
    expect(answer).toEqual({ data: { L1: { L2: { L3: { L4: 3 } } } } });
  });
});

describe('resolver count', () => {
  const ALIASES = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ping`).join(' ')} }`;

  it('runs the resolvers up to the limit; the rest fail with ResolverExecutionLimitReached and never run', async () => {
    const answer = await run(apiWith({ resolverCountLimit: 2 }), '{ r1: ping r2: ping r3: ping }');
    expect(invocations).toBe(2);
    expect(answer.data).toEqual({ r1: 'pong', r2: 'pong', r3: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({ errorType: 'ResolverExecutionLimitReached', path: ['r3'] }),
    ]);
  });

  it('300 aliases under a limit of 100 are 100 function calls, not 300', async () => {
    const answer = await run(apiWith({ resolverCountLimit: 100 }), ALIASES(300));
    expect(invocations).toBe(100);
    expect(answer.errors).toHaveLength(200);
    expect(new Set(answer.errors?.map((e) => e.errorType))).toEqual(
      new Set(['ResolverExecutionLimitReached']),
    );
  });

  it('counts per request: the next request starts again', async () => {
    const api = apiWith({ resolverCountLimit: 2 });
    await run(api, '{ r1: ping r2: ping r3: ping }');
    const again = await run(api, '{ r1: ping r2: ping }');
    expect(again.errors).toBeUndefined();
    expect(invocations).toBe(4);
  });

  it('fields without a resolver (read from the parent) do not count', async () => {
    const answer = await run(apiWith({ resolverCountLimit: 1 }), '{ nextLayer { value next { value } } }');
    expect(answer.errors).toBeUndefined();
    expect(invocations).toBe(1);
  });
});

describe('introspection', () => {
  it('DISABLED: __schema and __type are validation errors, nothing runs; __typename still resolves', async () => {
    const api = apiWith({ introspection: false });
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Layer") { name } }']) {
      const answer = await run(api, query);
      expect(answer.data).toBeUndefined();
      expect(answer.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    }
    expect(await run(api, '{ __typename ping }')).toEqual({ data: { __typename: 'Query', ping: 'pong' } });
  });

  it('ENABLED (the default): the schema can be explored', async () => {
    const answer = await run(apiWith({}), '{ __schema { queryType { name } } }');
    expect(answer).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});
