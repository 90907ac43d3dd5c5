/**
 * The pre-traffic hooks of the real app, run against the real Commands handlers on the local cloud: each
 * hook's configuration (the version it targets, the harmless request, the accepted refusal), as synthesized,
 * must pass against a healthy version, and must fail when the answer is not the accepted refusal.
 * (CodeDeploy itself is not emulated: the smoke test is run directly, as the hook would before traffic moves.)
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeTest } from '../../functions/deployment/pre-traffic.js';
import { type LocalApp, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let client: LambdaClient;

beforeAll(async () => {
  app = await startLocalApp();
  client = new LambdaClient({
    endpoint: app.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}, 600_000);

afterAll(async () => {
  client?.destroy();
  await app?.stop();
});

const hooks = () =>
  app.lambda.functions
    .filter((fn) => fn.environment.SMOKE_TARGET_ARN !== undefined)
    .map((fn) => ({
      name: fn.name,
      config: {
        SMOKE_TARGET_ARN: fn.environment.SMOKE_TARGET_ARN!,
        SMOKE_PAYLOAD: fn.environment.SMOKE_PAYLOAD ?? '{}',
        SMOKE_ACCEPTED_ERRORS: fn.environment.SMOKE_ACCEPTED_ERRORS ?? '',
      },
    }));

describe('pre-traffic hooks against the Commands handlers', () => {
  it('one hook per service Commands, each passing against the version it targets', async () => {
    const found = hooks();
    // users, inventory, orders, payments, shipping, reviews, security: every service with Commands.
    expect(found.length).toBeGreaterThanOrEqual(7);
    for (const hook of found) {
      expect(hook.config.SMOKE_TARGET_ARN).toMatch(/:function:.+Commands.+:\d+$/);
      const verdict = await smokeTest(hook.config, client);
      expect({ hook: hook.name, ...verdict }).toMatchObject({ hook: hook.name, ok: true });
      // The request was refused before any write, not answered: the version loaded and parsed it.
      expect(verdict.errorType).toBe('ValidationError');
    }
  }, 300_000);

  it('fails when the refusal is not the accepted one', async () => {
    const [hook] = hooks();
    const verdict = await smokeTest({ ...hook!.config, SMOKE_ACCEPTED_ERRORS: 'SomethingElse' }, client);
    expect(verdict).toMatchObject({ ok: false, errorType: 'ValidationError' });
  }, 120_000);
});
