/**
 * The operations source API end to end on the local cloud: `circuitBreakers` through the Merged API at
 * /graphql lists every dependency's circuit (CLOSED, 0 before any state), shows what the state table holds
 * (written here with the AWS CLI, as a breaker's transition would), answers admins and the API key, and
 * refuses a customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliText } from '../helpers/aws-cli.js';
import { poolUser } from '../helpers/cognito.js';
import { type LocalApp, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
const KEY = { 'x-api-key': 'local-dev-key' };
const QUERY = '{ circuitBreakers { name state failureCount openedAt nextAttemptAt } }';

interface Answer {
  readonly data?: { circuitBreakers?: unknown[] } | null;
  readonly errors?: { errorType?: string; message: string }[];
}

async function gql(headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: QUERY }),
  });
  return (await response.json()) as Answer;
}

const aws = (...args: string[]) => awsCliText(app.url, args);

beforeAll(async () => {
  app = await startLocalApp();
}, 300_000);
afterAll(async () => {
  await app?.stop();
});

describe('circuitBreakers', () => {
  it('lists payment-provider and carrier as CLOSED with no failures before they have state', async () => {
    const answer = await gql(KEY);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.circuitBreakers).toEqual([
      { name: 'payment-provider', state: 'CLOSED', failureCount: 0, openedAt: null, nextAttemptAt: null },
      { name: 'carrier', state: 'CLOSED', failureCount: 0, openedAt: null, nextAttemptAt: null },
    ]);
  });

  it('shows what the state table holds, to the API key and to an admin, and refuses a customer', async () => {
    const tables = JSON.parse(await aws('dynamodb', 'list-tables')) as { TableNames: string[] };
    const table = tables.TableNames.find((name) => name.includes('CircuitBreakers'));
    expect(table).toBeDefined();
    const openedAt = Date.parse('2026-12-05T01:00:00Z');
    await aws(
      'dynamodb',
      'put-item',
      '--table-name',
      table!,
      '--item',
      JSON.stringify({
        name: { S: 'payment-provider' },
        state: { S: 'OPEN' },
        version: { N: '1' },
        failureCount: { N: '5' },
        openedAt: { N: String(openedAt) },
        nextAttemptAt: { N: String(openedAt + 60_000) },
        halfOpenSuccesses: { N: '0' },
        updatedAt: { N: String(openedAt) },
      }),
    );
    const open = {
      name: 'payment-provider',
      state: 'OPEN',
      failureCount: 5,
      openedAt: '2026-12-05T01:00:00.000Z',
      nextAttemptAt: '2026-12-05T01:01:00.000Z',
    };
    const byKey = await gql(KEY);
    expect(byKey.errors).toBeUndefined();
    expect(byKey.data?.circuitBreakers?.[0]).toEqual(open);

    const admin = await poolUser(app, { email: `ops-${Date.now()}@example.com`, groups: ['admin'] });
    const byAdmin = await gql({ authorization: admin.idToken });
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data?.circuitBreakers?.[0]).toEqual(open);

    const customer = await poolUser(app, { email: `shopper-${Date.now()}@example.com` });
    const byCustomer = await gql({ authorization: customer.idToken });
    expect(byCustomer.errors?.[0]?.errorType).toBe('ForbiddenError');
    expect(byCustomer.data?.circuitBreakers ?? null).toBeNull();
  }, 120_000);
});
