/**
 * A small game day on the real app on the local cloud, as `npm run gameday` runs a large one: payment errors
 * injected through the FIS API while 60 orders go through at 8, windows of 16 before and after; the verdict
 * must be PASS (every order terminal, stock and money conserved, no event lost, no duplicate effect, the
 * compensation rate within the injected rate) and the report written. Then the same catalogue with the AWS CLI.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INJECTED_ERROR_TYPE } from '../../local/fis/index.js';
import { DEFAULT_TOLERANCES } from '../../scripts/gameday/model.js';
import { writeReport } from '../../scripts/gameday/report.js';
import { runGameDay } from '../../scripts/gameday/run.js';
import { awsCli } from '../helpers/aws-cli.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';
import { clientConfig } from '../helpers/local-clients.js';

let app: LocalApp;
const reports = mkdtempSync(path.join(tmpdir(), 'gameday-reports-'));

beforeAll(async () => {
  app = await startLocalApp();
}, 300_000);

afterAll(async () => {
  await app?.stop();
  rmSync(reports, { recursive: true, force: true });
});

describe('a game day on the local cloud', () => {
  it('payment-errors, 60 orders at 8: PASS, and the report says so', async () => {
    const lines: string[] = [];
    const result = await runGameDay({
      experiment: 'payment-errors',
      orders: 60,
      concurrency: 8,
      windowOrders: 16,
      target: { endpoint: app.url, region: app.region, stage: 'dev' },
      graphqlUrl: `${app.url}/graphql`,
      apiKey: 'local-dev-key',
      // Correctness, not speed (that is `npm run bench`'s): a shared CI machine may be slow, never wrong.
      tolerances: { ...DEFAULT_TOLERANCES, maxSagaP99Ms: 300_000, maxFaultSagaP99Ms: 300_000 },
      // The template runs for 10 minutes: the test stops it once its orders are decided.
      stopWhenDone: true,
      experimentTimeoutMs: 120_000,
      redrive: true,
      settleTimeoutMs: 60_000,
      log: (line) => {
        lines.push(line);
        if (process.env.GAMEDAY_VERBOSE) console.error(`${new Date().toISOString()} ${line}`);
      },
    });
    const failed = [
      // With what placeOrder and the sagas answered in that phase, so that a failure says why.
      ...result.checks
        .filter((c) => !c.holds)
        .map(
          (c) =>
            `${c.phase} ${c.name}: ${c.measured} ${c.bound}; ` +
            JSON.stringify(result.figures[c.phase as keyof typeof result.figures]?.reasons ?? {}),
        ),
      ...result.invariants.filter((i) => !i.holds).map((i) => `${i.id}: ${i.violations.join('; ')}`),
    ];
    expect(failed).toEqual([]);
    expect(result.verdict).toBe('PASS');
    expect(result.experimentStatus).toBe('stopped');
    expect(result.fisStates.map((s) => s.status)).toContain('running');
    expect(result.injected.errorRate).toBeCloseTo(0.3);
    expect(result.figures.fault.accepted).toBe(60);
    expect(result.figures.baseline.accepted + result.figures.recovery.accepted).toBe(32);
    const events = result.invariants.find((i) => i.id === 'events');
    expect(events?.figures.matched).toBeGreaterThan(0);
    // The fault reached the payments function: charges failed as injected and their orders compensated
    // (with 60 orders at 30%, none failing has a chance of 1 in 2 billion).
    const injected = Object.entries(result.figures.fault.reasons).filter(([why]) =>
      /FisInjectedError/.test(why),
    );
    expect(injected.length).toBeGreaterThan(0);

    const written = writeReport(result, reports);
    expect(existsSync(written.json)).toBe(true);
    expect(readFileSync(written.markdown, 'utf8')).toMatch(/^# Game day: payment-errors — PASS/);
  }, 300_000);

  it('with the AWS CLI: lists the catalogue; payment-errors fails only payments at about its rate; stops', async () => {
    const cli = <T>(...args: string[]) => awsCli<T>(app.url, args, app.region);
    const { experimentTemplates } = await cli<{
      experimentTemplates: Array<{ id: string; tags: Record<string, string> }>;
    }>('fis', 'list-experiment-templates');
    const byName = new Map(experimentTemplates.map((t) => [t.tags.Name ?? '', t.id]));
    expect([...byName.keys()].sort()).toEqual([
      'carrier-outage',
      'gameday',
      'inventory-errors',
      'payment-errors',
      'payment-latency',
      'projector-errors',
    ]);
    const { experiment: started } = await cli<{ experiment: { id: string } }>(
      'fis',
      'start-experiment',
      '--experiment-template-id',
      byName.get('payment-errors') ?? '',
    );
    const status = async () =>
      (await cli<{ experiment: { state: { status: string } } }>('fis', 'get-experiment', '--id', started.id))
        .experiment.state.status;
    await eventually(async () => ((await status()) === 'running' ? true : undefined), 30_000);

    // Each service's Commands function through its live alias (what FIS targets), with a request every
    // command handler refuses before any write: an injected error or the handler's own ValidationError.
    const lambda = new LambdaClient(clientConfig(app.url));
    const errorTypes = async (service: string, count: number) => {
      const name = physicalName(app, service, 'Commands/Function');
      const types: string[] = [];
      for (let i = 0; i < count; i += 8) {
        const results = await Promise.all(
          Array.from({ length: Math.min(8, count - i) }, () =>
            lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: 'live', Payload: '{}' })),
          ),
        );
        for (const result of results) {
          const payload = JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || 'null');
          types.push(result.FunctionError ? String(payload?.errorType) : 'answered');
        }
      }
      return types;
    };
    const payments = await errorTypes('Payments', 100);
    const injected = payments.filter((type) => type === INJECTED_ERROR_TYPE).length;
    // 30% of 100: the binomial's standard deviation is ~4.6, so 12..48 fails only on a broken injection.
    expect(injected).toBeGreaterThan(12);
    expect(injected).toBeLessThan(48);
    expect(payments.filter((type) => type !== INJECTED_ERROR_TYPE && type !== 'ValidationError')).toEqual([]);
    // Inventory takes part in other experiments, not this one.
    expect((await errorTypes('Inventory', 24)).filter((type) => type === INJECTED_ERROR_TYPE)).toEqual([]);

    await cli('fis', 'stop-experiment', '--id', started.id);
    expect(await status()).toBe('stopped');
    expect((await errorTypes('Payments', 16)).filter((type) => type === INJECTED_ERROR_TYPE)).toEqual([]);
  }, 180_000);
});
