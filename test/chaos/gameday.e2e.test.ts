/**
 * A small game day on the real app on the local cloud, as `npm run gameday` runs a large one: payment errors
 * injected through the FIS API while 60 orders go through at 8, windows of 16 before and after; the verdict
 * must be PASS (every order terminal, stock and money conserved, no event lost, no duplicate effect, the
 * compensation rate within the injected rate) and the report written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCES } from '../../scripts/gameday/model.js';
import { writeReport } from '../../scripts/gameday/report.js';
import { runGameDay } from '../../scripts/gameday/run.js';
import { type LocalApp, startLocalApp } from '../helpers/local-app.js';

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
      ...result.checks.filter((c) => !c.holds).map((c) => `${c.phase} ${c.name}: ${c.measured} ${c.bound}`),
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
});
