/**
 * The local AppSync on the synthesized test app (test/fixtures/local-appsync-app): two source APIs with direct
 * Lambda resolvers merged into one API served at /graphql, driven with plain fetch. Federation across the
 * source APIs, a mutation, a subscription over server-sent events, auth (API key, a Cognito JWT, IAM),
 * Lambda errors as GraphQL errors, and a conflicting source API refused at start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { appsyncPlugin } from '../../../local/appsync/plugin.js';
import { type LocalCloud, startLocalCloud } from '../../../local/cloud.js';
import { cognitoPlugin } from '../../../local/cognito/index.js';
import { quietLogger } from '../../../local/core/log.js';
import { poolUser } from '../../helpers/cognito.js';
import { readEvents } from '../../helpers/sse.js';
import { synthesizeAppSyncApp } from './fixture.js';

let cloud: LocalCloud;
const cognito = cognitoPlugin();
const KEY = { 'x-api-key': 'local-dev-key' };

beforeAll(async () => {
  cloud = await startLocalCloud({
    assemblyDir: synthesizeAppSyncApp(),
    port: 0,
    logger: quietLogger,
    plugins: [
      cognito,
      appsyncPlugin({
        apiKey: 'local-dev-key',
        verifyJwt: cognito.verifyJwt,
      }),
    ],
  });
});

afterAll(async () => {
  await cloud?.stop();
});

const graphql = async (
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = KEY,
) => {
  const response = await fetch(`${cloud.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary GraphQL response JSON.
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

const usersFunction = () => {
  const fn = cloud.lambda.functions.find((candidate) => candidate.name.includes('UsersResolver'));
  if (!fn) throw new Error('no users function');
  return fn.name;
};

describe('the merged API at /graphql', () => {
  it('resolves a query across both source APIs: Order from orders, Order.customer from users', async () => {
    const { status, body } = await graphql(
      'query One($id: ID!) { order(id: $id) { id customerId status total customer { id name email } } }',
      { id: 'o-1' },
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        order: {
          id: 'o-1',
          customerId: 'c-o-1',
          status: 'PENDING',
          total: 42.5,
          customer: { id: 'c-o-1', name: 'User c-o-1', email: 'c-o-1@example.com' },
        },
      },
    });
  });

  it('batches Order.customer (MaxBatchSize 5): the users function gets arrays of up to 5 events', async () => {
    const invocations = () => cloud.lambda.invocations(usersFunction()).length;
    let before = invocations();
    const three = await graphql('{ recentOrders(count: 3) { id customer { name } } }');
    expect(three.body.data.recentOrders).toEqual([
      { id: 'r-1', customer: { name: 'User c-1' } },
      { id: 'r-2', customer: { name: 'User c-2' } },
      { id: 'r-3', customer: { name: 'User c-3' } },
    ]);
    expect(invocations() - before).toBe(1);
    before = invocations();
    const seven = await graphql('{ recentOrders(count: 7) { customer { id } } }');
    expect(seven.body.data.recentOrders.map((o: { customer: { id: string } }) => o.customer.id)).toEqual([
      'c-1',
      'c-2',
      'c-3',
      'c-4',
      'c-5',
      'c-6',
      'c-7',
    ]);
    expect(invocations() - before).toBe(2);
  });

  it('runs a mutation through the orders source API', async () => {
    const { body } = await graphql(
      'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id customerId total status } }',
      { input: { customerId: 'c-7', total: 10 } },
    );
    expect(body).toEqual({
      data: { placeOrder: { id: 'o-c-7-10', customerId: 'c-7', total: 10, status: 'PENDING' } },
    });
  });

  it('surfaces a Lambda error as a GraphQL error with the function errorType, as AppSync does', async () => {
    const { status, body } = await graphql('{\n  order(id: "missing") { id }\n}');
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { order: null },
      errors: [
        {
          message: 'order missing does not exist',
          errorType: 'NotFoundError',
          path: ['order'],
          locations: [{ line: 2, column: 3, sourceName: null }],
          data: null,
          errorInfo: null,
        },
      ],
    });
  });

  it('hides @hidden fields and refuses unknown fields as validation errors', async () => {
    const { body } = await graphql('{ order(id: "1") { internalNote } }');
    expect(body.errors[0].errorType).toBe('ValidationError');
    expect(body.errors[0].message).toContain('Cannot query field "internalNote" on type "Order"');
  });

  it('refuses a request without a valid API key with AppSync 401', async () => {
    for (const headers of [{}, { 'x-api-key': 'wrong' }] as Record<string, string>[]) {
      const { status, body } = await graphql('{ order(id: "1") { id } }', {}, headers);
      expect(status).toBe(401);
      expect(body).toEqual({
        errors: [
          { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' },
        ],
      });
    }
  });

  it("passes the Cognito identity of the pool's token; fields without @aws_cognito_user_pools refuse it", async () => {
    const ada = await poolUser(cloud, { email: 'ada', groups: ['admins'] });
    const token = ada.idToken;
    const me = await graphql('{ me { sub username groups } }', {}, { authorization: token });
    expect(me.body).toEqual({ data: { me: { sub: ada.sub, username: 'ada', groups: ['admins'] } } });
    const [head, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...claims, sub: 'sub-1' })).toString('base64url');
    const forged = await graphql('{ me { sub } }', {}, { authorization: `${head}.${edited}.${signature}` });
    expect(forged.status).toBe(401);
    expect(forged.body.errors[0].errorType).toBe('UnauthorizedException');

    const order = await graphql('{ order(id: "1") { id } }', {}, { authorization: token });
    expect(order.body.errors[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access order on type Query',
      path: ['order'],
    });
    const byKey = await graphql('{ me { sub } }');
    expect(byKey.body.errors[0].message).toBe('Not Authorized to access me on type Query');
  });

  it('takes a SigV4-signed request as IAM', async () => {
    const signed =
      'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20250101/us-east-1/appsync/aws4_request, SignedHeaders=host, Signature=x';
    const { body } = await graphql('{ me { accountId } }', {}, { authorization: signed });
    expect(body).toEqual({ data: { me: { accountId: '000000000000' } } });
  });

  it('serves an editor page to a browser and the merged SDL', async () => {
    const page = await fetch(`${cloud.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('"endpoint":"/graphql"');
    expect(html).not.toMatch(/<script src|<link/);
    const sdl = await (await fetch(`${cloud.url}/graphql/schema`)).text();
    expect(sdl).toContain('customer: User');
    expect(sdl).not.toContain('internalNote');
  });
});

describe('each API at /apis/<apiId>/graphql', () => {
  it('serves a source API on its own, with its own schema and resolvers', async () => {
    const users = cloud.model
      .resources('AWS::AppSync::GraphQLApi')
      .find((r) => r.logicalId.startsWith('UsersApi'));
    const apiId = users ? cloud.model.identity(users).name : 'missing';
    const response = await fetch(`${cloud.url}/apis/${apiId}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...KEY },
      body: JSON.stringify({ query: '{ user(id: "u-1") { name } }' }),
    });
    expect(await response.json()).toEqual({ data: { user: { name: 'User u-1' } } });
  });
});

describe('subscriptions over server-sent events', () => {
  it('delivers a listed mutation result to subscribers whose arguments match it, once', async () => {
    const query = 'subscription On($c: ID) { onOrderPlaced(customerId: $c) { id customerId total } }';
    const controller = new AbortController();
    const response = await fetch(
      `${cloud.url}/graphql/subscriptions?${new URLSearchParams({ query, variables: JSON.stringify({ c: 'c-9' }) })}`,
      { headers: KEY, signal: controller.signal },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = readEvents(response);
    expect((await events.next()).value).toMatchObject({ event: 'start_ack' });

    const place = 'mutation P($i: PlaceOrderInput!) { placeOrder(input: $i) { id customerId total status } }';
    await graphql(place, { i: { customerId: 'c-8', total: 1 } });
    await graphql(place, { i: { customerId: 'c-9', total: 2 } });
    const delivered = await events.next();
    expect(delivered.value).toEqual({
      event: 'data',
      data: { data: { onOrderPlaced: { id: 'o-c-9-2', customerId: 'c-9', total: 2 } } },
    });
    controller.abort();
  });

  it('refuses a subscription without a key, and a field without @aws_subscribe', async () => {
    const noKey = await fetch(
      `${cloud.url}/graphql/subscriptions?${new URLSearchParams({ query: 'subscription { onOrderPlaced { id } }' })}`,
    );
    expect(noKey.status).toBe(401);
    const query = await fetch(
      `${cloud.url}/graphql/subscriptions?${new URLSearchParams({ query: '{ order(id: "1") { id } }' })}`,
      { headers: KEY },
    );
    expect(query.status).toBe(400);
    expect(((await query.json()) as { errors: { message: string }[] }).errors[0]?.message).toBe(
      'the operation is not a subscription',
    );
  });
});

describe("a source API's real-time WebSocket, and the control plane", () => {
  const ordersApiId = () => {
    const orders = cloud.model
      .resources('AWS::AppSync::GraphQLApi')
      .find((r) => r.logicalId.startsWith('OrdersApi'));
    return orders ? cloud.model.identity(orders).name : 'missing';
  };

  it('speaks the real-time protocol at /apis/<apiId>/graphql/realtime, and refuses an unknown API', async () => {
    const header = Buffer.from(JSON.stringify({ host: 'localhost', ...KEY })).toString('base64url');
    const base = `${cloud.url.replace('http', 'ws')}/apis`;
    const socket = new WebSocket(`${base}/${ordersApiId()}/graphql/realtime`, [
      'graphql-ws',
      `header-${header}`,
    ]);
    const messages: { type: string; id?: string; payload?: unknown }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const arrived = async (type: string) => {
      for (let i = 0; i < 1000 && !messages.some((m) => m.type === type); i++)
        await new Promise((r) => setTimeout(r, 10));
      return messages.find((m) => m.type === type);
    };
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    expect(await arrived('connection_ack')).toBeDefined();
    const query = 'subscription { onOrderPlaced(customerId: "c-7") { id total } }';
    socket.send(JSON.stringify({ type: 'start', id: '1', payload: { data: JSON.stringify({ query }) } }));
    expect(await arrived('start_ack')).toEqual({ type: 'start_ack', id: '1' });
    const placed = await fetch(`${cloud.url}/apis/${ordersApiId()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...KEY },
      body: JSON.stringify({
        query: 'mutation { placeOrder(input: { customerId: "c-7", total: 3 }) { id customerId total } }',
      }),
    });
    expect(placed.status).toBe(200);
    expect(await arrived('data')).toEqual({
      type: 'data',
      id: '1',
      payload: { data: { onOrderPlaced: { id: 'o-c-7-3', total: 3 } } },
    });
    socket.close();

    const unknown = new WebSocket(`${base}/nope/graphql/realtime`, ['graphql-ws', `header-${header}`]);
    const refused = await new Promise<Error>((resolve) => unknown.once('error', resolve));
    expect(refused.message).toContain('404');
  });

  it('lists the APIs with their URLs (ListGraphqlApis) and answers NotFoundException for an unknown id', async () => {
    const list = (await (await fetch(`${cloud.url}/v1/apis`)).json()) as {
      graphqlApis: { name: string; apiType: string; uris: Record<string, string> }[];
    };
    expect(list.graphqlApis.map((api) => [api.name, api.apiType]).sort()).toEqual([
      ['commerce', 'MERGED'],
      ['orders', 'GRAPHQL'],
      ['users', 'GRAPHQL'],
    ]);
    const realtime = list.graphqlApis.find((api) => api.name === 'commerce')?.uris.REALTIME;
    expect(realtime).toBe(`${cloud.url.replace('http', 'ws')}/graphql/realtime`);
    const missing = await fetch(`${cloud.url}/v1/apis/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('NotFoundException');
  });
});

describe('a source API that conflicts with another', () => {
  it('stops start-up with a message naming the type and field', async () => {
    await expect(
      startLocalCloud({
        assemblyDir: synthesizeAppSyncApp('conflict'),
        port: 0,
        logger: quietLogger,
        plugins: [appsyncPlugin()],
      }),
    ).rejects.toThrow(
      'AppSync merged API "commerce": merge conflict on User.id: source API "users" declares ID!, "legacy" declares Int!',
    );
  });
});
