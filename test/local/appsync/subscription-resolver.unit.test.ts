/**
 * A subscription field with a resolver, on the local AppSync: the resolver runs once when a client
 * subscribes (with the subscriber's arguments and identity), an error refuses the subscription with an
 * `error` event, success acknowledges it and mutations are then delivered without running it again. The
 * resolver's function is a stand-in LambdaInvoker; the HTTP stream is real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticate } from '../../../local/appsync/auth.js';
import { ExecutableApi } from '../../../local/appsync/executable.js';
import type { ResolverPlan } from '../../../local/appsync/plan.js';
import { SubscriptionHub } from '../../../local/appsync/subscriptions.js';
import type { LambdaInvoker } from '../../../local/core/aws-service.js';
import { localPool } from '../../helpers/local-pool.js';
import { readEvents } from '../../helpers/sse.js';

const SDL = /* GraphQL */ `
  type Update @aws_api_key @aws_cognito_user_pools { id: ID! owner: ID! status: String! }
  type Query { ping: String @aws_api_key }
  type Mutation { publish(id: ID!, owner: ID!, status: String!): Update @aws_api_key }
  type Subscription {
    onUpdate(id: ID!, owner: ID): Update
      @aws_subscribe(mutations: ["publish"])
      @aws_api_key
      @aws_cognito_user_pools
  }
`;

const auth = {
  defaultAuth: { type: 'API_KEY' as const },
  additionalAuth: [{ type: 'AMAZON_COGNITO_USER_POOLS' as const }],
};

const lambdaPlan = (typeName: string, fieldName: string, functionArn: string): ResolverPlan => ({
  kind: 'lambda',
  origin: { source: 'test', typeName, fieldName },
  functionArn,
});

/** The resolvers' stand-in: `publish` echoes its arguments; `onUpdate` refuses anyone but the owner. */
const calls: { functionArn: string; event: Record<string, unknown> }[] = [];
const lambda: LambdaInvoker = {
  async invoke(functionArn, payload) {
    const event = payload as Record<string, unknown>;
    calls.push({ functionArn, event });
    const args = event.arguments as Record<string, unknown>;
    if (functionArn === 'publish') return { statusCode: 200, payload: args, executedVersion: '$LATEST' };
    const identity = event.identity as { username?: string } | null;
    if (identity && identity.username !== args.owner) {
      return {
        statusCode: 200,
        functionError: 'Unhandled',
        payload: { errorType: 'ForbiddenError', errorMessage: 'FORBIDDEN: not yours' },
        executedVersion: '$LATEST',
      };
    }
    return { statusCode: 200, payload: { ignored: true }, executedVersion: '$LATEST' };
  },
};

/** ID tokens of a local user pool, per user name, and the verifier the local cloud gives AppSync. */
const pool = localPool();
const tokens = new Map<string, string>();
const jwt = (username: string) => {
  if (!tokens.has(username)) tokens.set(username, pool.idToken(username));
  return tokens.get(username) ?? '';
};

let server: Server;
let url: string;
let api: ExecutableApi;
let hub: SubscriptionHub;

beforeAll(async () => {
  api = new ExecutableApi({
    name: 'test',
    document: parse(SDL),
    plans: new Map([
      ['Mutation.publish', lambdaPlan('Mutation', 'publish', 'publish')],
      ['Subscription.onUpdate', lambdaPlan('Subscription', 'onUpdate', 'subscribe')],
    ]),
    auth,
    lambda,
  });
  hub = new SubscriptionHub();
  hub.attach(api);
  server = createServer((req, res) => {
    const caller = authenticate(auth, req.headers, 'key', { verifyJwt: pool.verifyJwt });
    const headers = { authorization: String(req.headers.authorization ?? '') };
    hub.open(api, auth, caller, res, new URL(req.url ?? '/', 'http://localhost'), headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  hub.closeAll();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  calls.length = 0;
});

const SUBSCRIBE =
  'subscription ($id: ID!, $owner: ID) { onUpdate(id: $id, owner: $owner) { id owner status } }';

async function subscribe(variables: Record<string, unknown>, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(
    `${url}/graphql/subscriptions?${new URLSearchParams({ query: SUBSCRIBE, variables: JSON.stringify(variables) })}`,
    { headers, signal: controller.signal },
  );
  const events: { event: string; data: unknown }[] = [];
  const reading = (async () => {
    try {
      for await (const event of readEvents(response)) events.push(event);
    } catch {
      // Aborted.
    }
  })();
  const first = async () => {
    for (let i = 0; i < 200 && !events.length; i++) await new Promise((r) => setTimeout(r, 10));
    return events[0];
  };
  return {
    status: response.status,
    events,
    first,
    ended: reading,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

async function publish(id: string, owner: string) {
  const answer = await api.run(
    {
      query:
        'mutation { publish(id: "' + id + '", owner: "' + owner + '", status: "DONE") { id owner status } }',
    },
    { mode: 'API_KEY', groups: [], identity: null },
    {},
  );
  expect(answer.errors).toBeUndefined();
}

describe('a subscription resolver on the local AppSync', () => {
  it("runs once at the start with the subscriber's arguments and identity, then acknowledges", async () => {
    const mine = await subscribe({ id: 'o-1', owner: 'ann' }, { authorization: jwt('ann') });
    try {
      expect(mine.status).toBe(200);
      expect(await mine.first()).toMatchObject({ event: 'start_ack' });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.functionArn).toBe('subscribe');
      expect(calls[0]?.event).toMatchObject({
        arguments: { id: 'o-1', owner: 'ann' },
        identity: { username: 'ann', sub: pool.pool.find('ann')?.sub },
        source: null,
        info: { parentTypeName: 'Subscription', fieldName: 'onUpdate' },
        request: { headers: { authorization: jwt('ann') } },
      });

      await publish('o-1', 'ann');
      await publish('o-1', 'bob');
      for (let i = 0; i < 200 && mine.events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      // Delivered by argument filtering, without running the subscription resolver again.
      expect(mine.events.map((e) => e.event)).toEqual(['start_ack', 'data']);
      expect(mine.events[1]?.data).toEqual({
        data: { onUpdate: { id: 'o-1', owner: 'ann', status: 'DONE' } },
      });
      expect(calls.filter((c) => c.functionArn === 'subscribe')).toHaveLength(1);
    } finally {
      await mine.close();
    }
  });

  it("refuses the subscription with the resolver's error as an error event, and delivers nothing", async () => {
    const other = await subscribe({ id: 'o-1', owner: 'ann' }, { authorization: jwt('bob') });
    expect(other.status).toBe(200);
    await other.ended; // The stream ends after the error.
    expect(other.events).toEqual([
      {
        event: 'error',
        data: {
          errors: [expect.objectContaining({ errorType: 'ForbiddenError', message: 'FORBIDDEN: not yours' })],
        },
      },
    ]);
    expect(hub.size).toBe(0);
    await publish('o-1', 'ann');
    expect(other.events).toHaveLength(1);
  });
});
