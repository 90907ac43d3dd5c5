/**
 * The clients people really use, unchanged, against the app on the local cloud: Apollo Client 4 with
 * aws-appsync-auth-link and aws-appsync-subscription-link (ws://, `?header=` handshake) and Amplify JS v6's
 * `generateClient` (always wss://: it dials the opt-in TLS listener; Node 20 has no WebSocket, so `ws` is set as
 * `globalThis.WebSocket`, with the project's local certificate as its `ca`). Each customer, signed in with the
 * local user pool, receives PENDING → CONFIRMED for their own order and nothing for another customer's. Then
 * what the tokens are worth: a pool token reads its customer's orders; one signed with another key, an expired
 * one or one with an edited `sub` is refused; an admin's restocks. The AWS CLI gets tokens and finds the API.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { AUTH_TYPE, createAuthLink } from 'aws-appsync-auth-link';
import { createSubscriptionHandshakeLink } from 'aws-appsync-subscription-link';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { orderIdFor } from '../../functions/orders/order-id.js';
import { generateSigningKey, issueTokens, signJwt } from '../../local/cognito/index.js';
import { TLS_PORT_ENV } from '../../local/server/tls.js';
import { awsCli } from '../helpers/aws-cli.js';
import { appUserPool, type PoolUser, poolUser, signInWithCli } from '../helpers/cognito.js';
import { eventually, type LocalApp, startLocalApp } from '../helpers/local-app.js';

// The AppSync links are CommonJS and require Apollo's CommonJS build: take the same one, or two ApolloLink classes meet.
const { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } = createRequire(import.meta.url)(
  '@apollo/client',
) as typeof import('@apollo/client', { with: { 'resolution-mode': 'require' }});
let app: LocalApp;
let tlsUrl: string;
let ann: PoolUser;
let bob: PoolUser;
const mug = seedCatalogue.find((p) => p.sku === 'MUG-CLASSIC')!;
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const tag = Date.now().toString(36);

const ON_ORDER_UPDATED = /* GraphQL */ `
  subscription ($id: ID!, $customerId: ID) {
    onOrderUpdated(id: $id, customerId: $customerId) { id customerId status }
  }
`;
const PLACE = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id customerId status } }
`;
const placeInput = (customer: PoolUser, idempotencyKey: string) => ({
  input: {
    customerId: customer.sub,
    items: [{ sku: mug.sku, quantity: 1 }],
    paymentToken: 'tok_visa',
    shippingAddress: address,
    idempotencyKey,
  },
});

async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    ...((await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { errorType?: string; message: string }[];
    }),
  };
}

const aws = (...args: string[]) => awsCli(app.url, args, app.region);

beforeAll(async () => {
  process.env[TLS_PORT_ENV] = '0'; // the TLS listener on a free port, for Amplify's wss://
  try {
    app = await startLocalApp();
  } finally {
    delete process.env[TLS_PORT_ENV];
  }
  const tls = (app.health().plugins as Record<string, { url?: string; certificate?: string }>).tls;
  if (!tls?.url || !tls.certificate) throw new Error('the TLS listener is not on');
  tlsUrl = tls.url;
  // Node 20 has no WebSocket: both clients take `ws`'s, trusting the project's local certificate.
  const ca = readFileSync(tls.certificate);
  globalThis.WebSocket = class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { ca });
    }
  } as unknown as typeof globalThis.WebSocket;
  [ann, bob] = await Promise.all([
    poolUser(app, { email: `ann-${tag}@example.com` }),
    poolUser(app, { email: `bob-${tag}@example.com` }),
  ]);
  await eventually(async () => {
    const { data } = await post('{ products { sku } }', {}, { 'x-api-key': 'local-dev-key' });
    return ((data?.products ?? []) as { sku: string }[]).some((p) => p.sku === mug.sku) ? true : undefined;
  }, 60_000);
}, 240_000);

afterAll(async () => {
  await app?.stop();
});

/** What a subscription received, by order id. */
type Received = Map<string, string[]>;
const record = (received: Received, update: { id: string; status: string } | undefined) => {
  if (update) received.set(update.id, [...(received.get(update.id) ?? []), update.status]);
};
const confirmed = (received: Received, id: string, failures: unknown[]) =>
  eventually(() => (received.get(id)?.includes('CONFIRMED') ? received.get(id) : undefined), 90_000).catch(
    (error: Error) => {
      // Say what did arrive: a status short of CONFIRMED, another order's, or a client's error.
      throw new Error(
        `${error.message}: received ${JSON.stringify([...received])}; errors ${String(failures)}`,
      );
    },
  );

describe('real AppSync clients subscribe on the local cloud', () => {
  it("Apollo (Ann) and Amplify (Bob) each receive their own order's PENDING → CONFIRMED and nothing of the other's", async () => {
    const annOrder = orderIdFor(ann.sub, `apollo-${tag}`);
    const bobOrder = orderIdFor(bob.sub, `amplify-${tag}`);
    const url = `${app.url}/graphql`;
    const auth = { type: AUTH_TYPE.AMAZON_COGNITO_USER_POOLS, jwtToken: ann.idToken } as const;
    const apollo = new ApolloClient({
      link: ApolloLink.from([
        createAuthLink({ url, region: app.region, auth }),
        createSubscriptionHandshakeLink({ url, region: app.region, auth }, new HttpLink({ uri: url })),
      ]),
      cache: new InMemoryCache(),
    });
    const jwt = (token: string) => ({
      payload: JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()),
      toString: () => token,
    });
    const { userPoolId, clientId } = appUserPool(app);
    Amplify.configure(
      {
        API: { GraphQL: { endpoint: `${tlsUrl}/graphql`, region: app.region, defaultAuthMode: 'userPool' } },
        Auth: { Cognito: { userPoolId, userPoolClientId: clientId } },
      },
      {
        Auth: {
          tokenProvider: {
            getTokens: async () => ({ accessToken: jwt(bob.accessToken), idToken: jwt(bob.idToken) }),
          },
        },
      },
    );
    const amplify = generateClient();

    const byApollo: Received = new Map();
    const byAmplify: Received = new Map();
    const failures: unknown[] = [];
    const apolloSubscribe = (id: string) =>
      apollo.subscribe({ query: gql(ON_ORDER_UPDATED), variables: { id, customerId: ann.sub } }).subscribe({
        next: (result) =>
          record(
            byApollo,
            (result.data as { onOrderUpdated?: { id: string; status: string } })?.onOrderUpdated,
          ),
        error: (error: unknown) => failures.push(error),
      });
    const amplifySubscribe = (id: string) =>
      (
        amplify.graphql({ query: ON_ORDER_UPDATED, variables: { id, customerId: bob.sub } }) as unknown as {
          subscribe(observer: { next(value: unknown): void; error(error: unknown): void }): {
            unsubscribe(): void;
          };
        }
      ).subscribe({
        next: (value) =>
          record(
            byAmplify,
            (value as { data?: { onOrderUpdated?: { id: string; status: string } } }).data?.onOrderUpdated,
          ),
        error: (error: unknown) => failures.push(error),
      });
    // Each subscribes to their own order and, with their own id, to the other's (filtered out: nothing comes).
    const subscriptions = [
      apolloSubscribe(annOrder),
      apolloSubscribe(bobOrder),
      amplifySubscribe(bobOrder),
      amplifySubscribe(annOrder),
    ];
    try {
      // Subscribed when the endpoint counts four subscribers on the merged API.
      await eventually(() => {
        const apis = (
          app.health().plugins as { appsync: { apis: { merged: boolean; subscribers: number }[] } }
        ).appsync.apis;
        return apis.find((a) => a.merged)?.subscribers === 4 ? true : undefined;
      }, 60_000);

      const placedByApollo = await apollo.mutate({
        mutation: gql(PLACE),
        variables: placeInput(ann, `apollo-${tag}`),
      });
      expect(placedByApollo.data).toMatchObject({ placeOrder: { id: annOrder, customerId: ann.sub } });
      const placedByBob = await post(PLACE, placeInput(bob, `amplify-${tag}`), {
        authorization: bob.idToken,
      });
      expect(placedByBob.errors).toBeUndefined();

      expect((await confirmed(byApollo, annOrder, failures))?.slice(0, 2)).toEqual(['PENDING', 'CONFIRMED']);
      expect((await confirmed(byAmplify, bobOrder, failures))?.slice(0, 2)).toEqual(['PENDING', 'CONFIRMED']);
      expect(byApollo.has(bobOrder)).toBe(false);
      expect(byAmplify.has(annOrder)).toBe(false);
      expect(failures).toEqual([]);
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
      apollo.stop();
    }
  }, 240_000);
});

describe('what a token from the local pool is worth', () => {
  const ORDERS = 'query ($c: ID!) { ordersByCustomer(customerId: $c) { id customerId } }';

  it("reads the customer's own orders; another key's, an expired or an edited token is refused", async () => {
    const own = await post(ORDERS, { c: ann.sub }, { authorization: ann.idToken });
    expect(own.errors).toBeUndefined();
    expect(own.data?.ordersByCustomer).toEqual(
      expect.arrayContaining([{ id: orderIdFor(ann.sub, `apollo-${tag}`), customerId: ann.sub }]),
    );

    const [head = '', body = '', signature = ''] = ann.idToken.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const otherKey = signJwt(
      { ...generateSigningKey(), kid: JSON.parse(Buffer.from(head, 'base64url').toString()).kid },
      claims,
    );
    const edited = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: bob.sub })).toString('base64url')}.${signature}`;
    const { userPoolId, clientId } = appUserPool(app);
    const pool = app.plugins.cognito.pools.get(userPoolId)!;
    const user = pool.find(ann.email)!;
    const expired = issueTokens(pool, pool.client(clientId), user, Date.now() - 2 * 3600_000).IdToken;
    for (const token of [otherKey, edited, expired]) {
      const refused = await post(ORDERS, { c: ann.sub }, { authorization: token });
      expect(refused.status).toBe(401);
      expect(refused.errors?.[0]?.errorType).toBe('UnauthorizedException');
      expect(refused.data ?? null).toBeNull();
    }
  }, 60_000);

  it('lets an admin (group admin) restock, and not a customer', async () => {
    const admin = await poolUser(app, { email: `admin-${tag}@example.com`, groups: ['admin'] });
    const RESTOCK = 'mutation ($input: RestockInput!) { restock(input: $input) { sku } }';
    const input = { input: { sku: mug.sku, quantity: 1 } };
    const byAdmin = await post(RESTOCK, input, { authorization: admin.idToken });
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data?.restock).toEqual({ sku: mug.sku });
    const byCustomer = await post(RESTOCK, input, { authorization: bob.idToken });
    expect(byCustomer.errors?.[0]?.errorType).toBe('ForbiddenError');
  }, 60_000);

  it('the AWS CLI signs in with initiate-auth and finds the API and its real-time URL', async () => {
    const signedIn = await signInWithCli(app, bob);
    const mine = await post(
      ORDERS,
      { c: bob.sub },
      { authorization: signedIn.AuthenticationResult!.IdToken },
    );
    expect(mine.errors).toBeUndefined();

    // This CLI (2.9) predates merged APIs (no apiType): find the merged one by the id the endpoint serves.
    const mergedId = (
      app.health().plugins as { appsync: { apis: { apiId: string; merged: boolean }[] } }
    ).appsync.apis.find((api) => api.merged)?.apiId;
    const { graphqlApis } = (await aws('appsync', 'list-graphql-apis')) as {
      graphqlApis: { apiId: string; uris: Record<string, string> }[];
    };
    expect(graphqlApis.length).toBeGreaterThan(1); // the source APIs and the merged one
    const realtime = `${app.url.replace('http', 'ws')}/graphql/realtime`;
    expect(graphqlApis.find((api) => api.apiId === mergedId)?.uris).toEqual({
      GRAPHQL: `${app.url}/graphql`,
      REALTIME: realtime,
    });
    const { graphqlApi } = (await aws('appsync', 'get-graphql-api', '--api-id', mergedId ?? '')) as {
      graphqlApi: { authenticationType: string; uris: Record<string, string> };
    };
    expect(graphqlApi.uris.REALTIME).toBe(realtime);
    expect(graphqlApi.authenticationType).toBe('AMAZON_COGNITO_USER_POOLS');
  }, 60_000);
});
