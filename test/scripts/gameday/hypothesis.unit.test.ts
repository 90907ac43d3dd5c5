import { describe, expect, it } from 'vitest';
import { parseGameDayArgs } from '../../../scripts/gameday/args.js';
import { GameDayUsageError } from '../../../scripts/gameday/errors.js';
import {
  evaluateHypothesis,
  injectedFaults,
  phaseFigures,
  verdictOf,
} from '../../../scripts/gameday/hypothesis.js';
import { DEFAULT_TOLERANCES, type OrderRecord, type Phase } from '../../../scripts/gameday/model.js';

const order = (phase: Phase, i: number, status: string, sagaMs: number): OrderRecord => ({
  phase,
  orderId: `${phase}-${i}`,
  sku: 'A',
  quantity: 1,
  ackMs: 100,
  status,
  ...(status === 'CANCELLED' ? { failureReason: 'ChargePayment failed: Lambda.Unknown' } : {}),
  sagaMs,
});
const many = (phase: Phase, confirmed: number, cancelled: number, sagaMs = 2_000) => [
  ...Array.from({ length: confirmed }, (_, i) => order(phase, i, 'CONFIRMED', sagaMs)),
  ...Array.from({ length: cancelled }, (_, i) => order(phase, confirmed + i, 'CANCELLED', sagaMs * 2)),
];
const figuresOf = (orders: OrderRecord[]) => ({
  baseline: phaseFigures(orders, 'baseline'),
  fault: phaseFigures(orders, 'fault'),
  recovery: phaseFigures(orders, 'recovery'),
});

// The catalogue's combined game day: 30% payment errors, every reservation 1 s late.
const gameday = injectedFaults([
  {
    actionId: 'aws:lambda:invocation-error',
    parameters: { invocationPercentage: '30', preventExecution: 'true' },
  },
  {
    actionId: 'aws:lambda:invocation-add-delay',
    parameters: { invocationPercentage: '100', startupDelayMilliseconds: '1000' },
  },
  { actionId: 'aws:fis:wait', parameters: { duration: 'PT2M' } },
]);

describe('the steady-state hypothesis', () => {
  it('reads what a template injects: error rates compound, delays add', () => {
    expect(gameday.errorRate).toBeCloseTo(0.3);
    expect(gameday.delayMs).toBe(1000);
    const two = injectedFaults([
      { actionId: 'aws:lambda:invocation-error', parameters: { invocationPercentage: '50' } },
      {
        actionId: 'aws:lambda:invocation-http-integration-response',
        parameters: { statusCode: '503', invocationPercentage: '50' },
      },
    ]);
    expect(two.errorRate).toBeCloseTo(0.75);
  });

  it('holds when the fault compensates within the injected rate and the platform recovers', () => {
    const orders = [
      ...many('baseline', 20, 0),
      ...many('fault', 80, 20, 5_000),
      ...many('recovery', 20, 0, 2_500),
    ];
    const checks = evaluateHypothesis(figuresOf(orders), gameday, DEFAULT_TOLERANCES);
    expect(checks.filter((c) => !c.holds)).toEqual([]);
    expect(checks.find((c) => c.phase === 'fault' && c.name === 'compensation rate')).toMatchObject({
      measured: 0.2,
      bound: '<= 0.487',
    });
  });

  it('fails when the fault compensates more than it injected, or the recovery does not come back', () => {
    const orders = [...many('baseline', 20, 0), ...many('fault', 50, 50), ...many('recovery', 18, 2)];
    const failed = evaluateHypothesis(figuresOf(orders), gameday, DEFAULT_TOLERANCES).filter((c) => !c.holds);
    expect(failed.map((c) => `${c.phase} ${c.name}`)).toEqual([
      'fault compensation rate',
      'recovery saga success rate',
    ]);
  });

  it('fails on a slow recovery, a refused order and an order left pending', () => {
    const orders: OrderRecord[] = [
      ...many('baseline', 20, 0, 2_000),
      ...many('fault', 20, 0),
      { phase: 'fault', sku: 'A', quantity: 1, ackMs: 5, error: 'Lambda:Unhandled' },
      { ...order('fault', 99, 'PENDING', 1_000) },
      ...many('recovery', 20, 0, 20_000),
    ];
    const failed = evaluateHypothesis(figuresOf(orders), gameday, DEFAULT_TOLERANCES).filter((c) => !c.holds);
    expect(failed.map((c) => `${c.phase} ${c.name}`)).toEqual([
      'fault orders accepted (placeOrder answered)',
      'fault orders not terminal',
      'recovery saga p99 (ms)',
    ]);
  });

  it('a verdict passes only on a completed experiment, or one the game day stopped itself', () => {
    expect(verdictOf([], [], 'completed')).toBe('PASS');
    expect(verdictOf([], [], 'stopped', true)).toBe('PASS');
    expect(verdictOf([], [], 'stopped')).toBe('FAIL'); // a stop condition (an SLO alarm) fired
    expect(verdictOf([], [], 'failed')).toBe('FAIL');
    expect(
      verdictOf([{ phase: 'fault', name: 'x', measured: 1, bound: '<= 0', holds: false }], [], 'completed'),
    ).toBe('FAIL');
  });
});

describe('the game day command line', () => {
  it('defaults: 1,000 orders at 16, windows of N/10, the local endpoint from PORT', () => {
    expect(parseGameDayArgs(['gameday'], { PORT: '4999' })).toMatchObject({
      experiment: 'gameday',
      orders: 1000,
      concurrency: 16,
      windowOrders: 100,
      endpoint: 'http://localhost:4999',
      stage: 'dev',
      apiKey: 'local-dev-key',
      redrive: true,
      stopWhenDone: false,
    });
    const small = parseGameDayArgs(
      ['payment-errors', '--orders', '60', '--concurrency', '8', '--no-redrive'],
      {},
    );
    expect(small).toMatchObject({ windowOrders: 16, redrive: false });
    expect(parseGameDayArgs(['gameday', '--aws', '--region', 'eu-west-1'], {})).not.toHaveProperty(
      'endpoint',
    );
    expect(parseGameDayArgs(['--help'], {})).toBeUndefined();
  });

  it('refuses bad input with a usage error', () => {
    for (const argv of [
      [],
      ['a', 'b'],
      ['Payment Errors'],
      ['gameday', '--orders', '0'],
      ['gameday', '--concurrency', 'many'],
      ['gameday', '--min-success', '1.5'],
      ['gameday', '--aws', '--endpoint', 'http://localhost:1'],
      ['gameday', '--endpoint', 'ftp://x'],
      ['gameday', '--bogus'],
    ])
      expect(() => parseGameDayArgs(argv, {}), argv.join(' ')).toThrow(GameDayUsageError);
  });
});
