/**
 * A small load run on the real app on the local cloud, as `npm run test:load` runs a large one: every order
 * accepted and terminal, none cancelled without a business reason, one saga per order, stock conserved.
 * It asserts correctness, never time (speed lives in `npm run bench`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, violations } from '../../bench/load.js';
import { type LocalApp, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;

beforeAll(async () => {
  app = await startLocalApp();
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

describe('the platform under load', () => {
  it('takes 60 orders at 8 at a time: all accepted and confirmed, one saga each, stock conserved', async () => {
    const report = await runLoad({
      graphqlUrl: `${app.url}/graphql`,
      awsEndpoint: app.url,
      apiKey: 'local-dev-key',
      orders: 60,
      concurrency: 8,
      skus: 4,
      settleTimeoutMs: 240_000,
    });
    expect(violations(report)).toEqual([]);
    expect(report.accepted).toBe(60);
    expect(report.confirmed).toBe(60);
    expect(report.sagaExecutions).toBe(60);
    // No invocation along the way was throttled or timed out.
    const failures = app.lambda
      .invocations()
      .filter((record) =>
        ['TooManyRequestsException', 'Sandbox.Timedout'].includes(record.error?.errorType ?? ''),
      );
    expect(failures).toEqual([]);
  }, 420_000);
});
