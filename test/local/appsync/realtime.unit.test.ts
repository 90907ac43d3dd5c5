/**
 * AppSync's real-time WebSocket protocol on the local AppSync, with the `ws` client speaking it by hand: both
 * handshake forms (`header-` subprotocol, `?header=`), connection_init → connection_ack and `ka`, start →
 * start_ack → data, filters, stop → complete, and the failures clients act on (connection_error, error).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { authenticate } from '../../../local/appsync/auth.js';
import { ExecutableApi } from '../../../local/appsync/executable.js';
import { RealtimeEndpoint } from '../../../local/appsync/realtime.js';
import { SubscriptionHub } from '../../../local/appsync/subscriptions.js';
import type { LambdaInvoker } from '../../../local/core/aws-service.js';
import { localPool } from '../../helpers/local-pool.js';

const SDL = /* GraphQL */ `
  type Update @aws_api_key @aws_cognito_user_pools { id: ID! owner: ID! status: String! }
  type Query { ping: String @aws_api_key }
  type Mutation { publish(id: ID!, owner: ID!, status: String!): Update @aws_api_key }
  type Subscription {
    onUpdate(id: ID!, owner: ID): Update @aws_subscribe(mutations: ["publish"]) @aws_api_key @aws_cognito_user_pools
  }
`;
const auth = {
  defaultAuth: { type: 'API_KEY' as const },
  additionalAuth: [{ type: 'AMAZON_COGNITO_USER_POOLS' as const }],
};
const lambda: LambdaInvoker = {
  async invoke(_arn, payload) {
    return {
      statusCode: 200,
      payload: (payload as { arguments: unknown }).arguments,
      executedVersion: '$LATEST',
    };
  },
};
const pool = localPool();
const SUBSCRIBE =
  'subscription ($id: ID!, $owner: ID) { onUpdate(id: $id, owner: $owner) { id owner status } }';

let server: Server;
let url: string;
let api: ExecutableApi;
let endpoint: RealtimeEndpoint;

beforeAll(async () => {
  api = new ExecutableApi({
    name: 'test',
    document: parse(SDL),
    plans: new Map([
      [
        'Mutation.publish',
        {
          kind: 'lambda',
          origin: { source: 't', typeName: 'Mutation', fieldName: 'publish' },
          functionArn: 'p',
        },
      ],
    ]),
    auth,
    lambda,
  });
  const hub = new SubscriptionHub();
  hub.attach(api);
  endpoint = new RealtimeEndpoint({
    authenticate: (target, headers) =>
      authenticate(target.auth, headers, 'key', { verifyJwt: pool.verifyJwt }),
    keepAliveMs: 100,
  });
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) =>
    endpoint.upgrade({ api, auth, hub }, req, socket, head, new URL(req.url ?? '/', 'http://localhost')),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql/realtime`;
});

afterAll(async () => {
  endpoint.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

type Message = { type: string; id?: string; payload?: Record<string, unknown> };

/** A connection and every message it received. */
async function connect(headers: Record<string, string>, form: 'subprotocol' | 'query' = 'subprotocol') {
  const encoded = Buffer.from(JSON.stringify(headers));
  const socket =
    form === 'subprotocol'
      ? new WebSocket(url, ['graphql-ws', `header-${encoded.toString('base64url')}`])
      : new WebSocket(
          `${url}?header=${encodeURIComponent(encoded.toString('base64'))}&payload=e30=`,
          'graphql-ws',
        );
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = async (type: string, id?: string) => {
    for (let i = 0; i < 500; i++) {
      const found = messages.find((m) => m.type === type && (id === undefined || m.id === id));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`);
  };
  const send = (message: unknown) => socket.send(JSON.stringify(message));
  const start = (id: string, variables: Record<string, unknown>, authorization?: Record<string, string>) =>
    send({
      type: 'start',
      id,
      payload: {
        data: JSON.stringify({ query: SUBSCRIBE, variables }),
        ...(authorization ? { extensions: { authorization } } : {}),
      },
    });
  return { socket, messages, closed, next, send, start };
}

const publish = (id: string, owner: string) =>
  api.run(
    { query: `mutation { publish(id: "${id}", owner: "${owner}", status: "DONE") { id owner status } }` },
    { mode: 'API_KEY', groups: [], identity: null },
    {},
  );

describe('the real-time WebSocket endpoint', () => {
  it('acknowledges, keeps alive, delivers matching mutations and completes on stop (header- subprotocol)', async () => {
    const client = await connect({ host: 'localhost', 'x-api-key': 'key' });
    expect(client.socket.protocol).toBe('graphql-ws');
    client.send({ type: 'connection_init' });
    expect(await client.next('connection_ack')).toEqual({
      type: 'connection_ack',
      payload: { connectionTimeoutMs: 300_000 },
    });
    await new Promise((r) => setTimeout(r, 250));
    expect(client.messages.filter((m) => m.type === 'ka').length).toBeGreaterThanOrEqual(2);

    client.start('s1', { id: 'o-1' });
    await client.next('start_ack', 's1');
    await publish('o-2', 'ann'); // another id: filtered out
    await publish('o-1', 'ann');
    expect(await client.next('data', 's1')).toEqual({
      type: 'data',
      id: 's1',
      payload: { data: { onUpdate: { id: 'o-1', owner: 'ann', status: 'DONE' } } },
    });
    client.send({ type: 'stop', id: 's1' });
    await client.next('complete', 's1');
    await publish('o-1', 'ann');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.messages.filter((m) => m.type === 'data')).toHaveLength(1);
    client.socket.close();
  });

  it('takes a Cognito token in the ?header= form and filters on the subscriber arguments', async () => {
    const client = await connect({ host: 'localhost', Authorization: pool.idToken('ann') }, 'query');
    client.send({ type: 'connection_init' });
    await client.next('connection_ack');
    client.start('mine', { id: 'o-9', owner: 'ann' });
    await client.next('start_ack', 'mine');
    await publish('o-9', 'bob');
    await publish('o-9', 'ann');
    const data = await client.next('data', 'mine');
    expect(data.payload).toEqual({ data: { onUpdate: { id: 'o-9', owner: 'ann', status: 'DONE' } } });
    expect(client.messages.filter((m) => m.type === 'data')).toHaveLength(1);
    client.socket.close();
  });

  it('refuses a forged token with connection_error (401) and closes', async () => {
    const [head, body] = pool.idToken('ann').split('.');
    const forged = `${head}.${body}.${Buffer.from('not the signature').toString('base64url')}`;
    const client = await connect({ host: 'localhost', Authorization: forged });
    client.send({ type: 'connection_init' });
    const error = await client.next('connection_error');
    expect(error.payload).toEqual({
      errors: [expect.objectContaining({ errorType: 'UnauthorizedException', errorCode: 401 })],
    });
    expect(await client.closed).toBe(1008);
  });

  it('answers a bad start with an error for its id: a forged start authorization, a duplicate id, not a subscription', async () => {
    const client = await connect({ host: 'localhost', 'x-api-key': 'key' });
    client.send({ type: 'connection_init' });
    await client.next('connection_ack');
    client.start('forged', { id: 'o-1' }, { host: 'localhost', Authorization: `${pool.idToken('ann')}x` });
    expect((await client.next('error', 'forged')).payload).toEqual({
      errors: [expect.objectContaining({ errorType: 'UnauthorizedException' })],
    });
    client.start('twice', { id: 'o-1' });
    await client.next('start_ack', 'twice');
    client.start('twice', { id: 'o-1' });
    expect(JSON.stringify(await client.next('error', 'twice'))).toContain('DuplicatedOperationError');
    client.send({ type: 'start', id: 'query', payload: { data: JSON.stringify({ query: '{ ping }' }) } });
    expect(JSON.stringify(await client.next('error', 'query'))).toContain('not a subscription');
    client.socket.close();
  });

  it('refuses an upgrade without the graphql-ws subprotocol', async () => {
    const socket = new WebSocket(url, ['other']);
    const failure = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(failure.message).toContain('400');
  });
});
