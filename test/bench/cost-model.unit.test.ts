import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CostBreakdown,
  costPerMillionOrders,
  expressGbSecondsPerExecution,
  type OrderUsageInput,
  type PriceKey,
  parseOrderUsage,
  TARGET_USD_PER_MILLION_ORDERS,
  US_EAST_1,
  UsageValidationError,
} from '../../bench/cost-model.js';

const MILLION = 1_000_000;
const price = (key: PriceKey) => US_EAST_1.prices[key].usd / US_EAST_1.prices[key].per;

const nothing: OrderUsageInput = {
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  lambdaInitGbSeconds: 0,
  stateTransitions: 0,
  sagaExecutions: 0,
  sagaDurationMs: 0,
  eventsPublished: 0,
  eventsDeliveredToTargets: 0,
  dynamoWriteRequestUnits: 0,
  dynamoReadRequestUnits: 0,
  streamReadRequests: 0,
  sqsRequests: 0,
  appsyncOperations: 0,
  appsyncRealtimeMessages: 0,
  logBytes: 0,
  xrayTracesRecorded: 0,
};
const usage = (overrides: Partial<OrderUsageInput>) => parseOrderUsage({ ...nothing, ...overrides });
const usdOf = (breakdown: CostBreakdown, key: PriceKey) =>
  breakdown.lines.find((line) => line.priceKey === key)?.usd;
const sumOfLines = (breakdown: CostBreakdown) => breakdown.lines.reduce((sum, line) => sum + line.usd, 0);

describe('costPerMillionOrders', () => {
  it('prices 10 Lambda invocations of 0.05 GB-s each: $2.00 of requests and $6.6667 of duration', () => {
    const tenInvocations = usage({ lambdaInvocations: 10, lambdaGbSeconds: 10 * 0.05 });

    const cost = costPerMillionOrders(tenInvocations, US_EAST_1, 'STANDARD');

    // 10 M requests × $0.20/M; 500,000 GB-s × $0.0000133334.
    expect(usdOf(cost, 'lambdaRequests')).toBeCloseTo(2.0, 10);
    expect(usdOf(cost, 'lambdaDuration')).toBeCloseTo(6.6667, 10);
    expect(cost.lines.find((line) => line.priceKey === 'lambdaDuration')?.quantity).toBeCloseTo(500_000, 6);
    expect(cost.totalUsd).toBeCloseTo(8.6667, 10);
    expect(cost.freeTiersApplied).toBe(false);
  });

  it('bills init like duration, logs per GB of 2^30 bytes, and same-account deliveries and stream reads at $0', () => {
    const cost = costPerMillionOrders(
      usage({
        lambdaInitGbSeconds: 0.03,
        logBytes: 1024 ** 3 / MILLION,
        eventsDeliveredToTargets: 30,
        streamReadRequests: 20,
      }),
      US_EAST_1,
      'EXPRESS',
    );

    expect(usdOf(cost, 'lambdaInitDuration')).toBeCloseTo(30_000 * 0.0000133334, 10);
    expect(usdOf(cost, 'logsIngestion')).toBeCloseTo(0.5, 10);
    expect(usdOf(cost, 'eventBridgeDeliveries')).toBe(0);
    expect(usdOf(cost, 'dynamoStreamReads')).toBe(0);
  });

  it('charges STANDARD per state transition and EXPRESS per request and billed GB-second', () => {
    const saga = usage({ stateTransitions: 40, sagaExecutions: 1, sagaDurationMs: 1_800, sagaMemoryMb: 64 });

    const standard = costPerMillionOrders(saga, US_EAST_1, 'STANDARD');
    const express = costPerMillionOrders(saga, US_EAST_1, 'EXPRESS');

    // 40 M transitions × $0.025 / 1,000 = $1,000.
    expect(usdOf(standard, 'sfnStateTransitions')).toBeCloseTo(1_000, 9);
    expect(usdOf(standard, 'sfnExpressRequests')).toBeUndefined();
    // 1 M requests × $1.00/M; 1 M × 1.8 s × 64/1024 GB = 112,500 GB-s × $0.00001667 = $1.875375.
    expect(usdOf(express, 'sfnExpressRequests')).toBeCloseTo(1, 10);
    expect(usdOf(express, 'sfnExpressDuration')).toBeCloseTo(1.875375, 10);
    expect(usdOf(express, 'sfnStateTransitions')).toBeUndefined();
    expect(standard.totalUsd - express.totalUsd).toBeCloseTo(1_000 - 1 - 1.875375, 9);
  });

  it('rounds an EXPRESS execution up to 100 ms and 64 MB', () => {
    expect(expressGbSecondsPerExecution(1_800, 64)).toBeCloseTo(1.8 * (64 / 1024), 12);
    expect(expressGbSecondsPerExecution(1_801, 64)).toBeCloseTo(1.9 * (64 / 1024), 12);
    expect(expressGbSecondsPerExecution(1_800, 65)).toBeCloseTo(1.8 * (128 / 1024), 12);
    expect(expressGbSecondsPerExecution(1, 0)).toBeCloseTo(0.1 * (64 / 1024), 12);
  });

  it('prices a plausible order: the total is the sum of its lines, and Express is far cheaper than Standard', () => {
    // A happy-path order as sketched: ~30 invocations of ~60 ms at 256 MB, 1 cold start in 100 invocations
    // (~400 ms), ~40 transitions, ~15 events, ~40 WRU (transactional appends count double), one trace.
    const order = usage({
      lambdaInvocations: 30,
      lambdaGbSeconds: 30 * 0.06 * 0.25,
      lambdaInitGbSeconds: 0.3 * 0.4 * 0.25,
      stateTransitions: 40,
      sagaExecutions: 1,
      sagaDurationMs: 1_800,
      eventsPublished: 15,
      eventsDeliveredToTargets: 30,
      dynamoWriteRequestUnits: 40,
      dynamoReadRequestUnits: 60,
      streamReadRequests: 20,
      sqsRequests: 3,
      appsyncOperations: 2,
      appsyncRealtimeMessages: 3,
      appsyncConnectionMinutes: 2,
      logBytes: 40_000,
      xrayTracesRecorded: 1,
    });
    const shared =
      MILLION *
      (30 * price('lambdaRequests') +
        30 * 0.06 * 0.25 * price('lambdaDuration') +
        0.3 * 0.4 * 0.25 * price('lambdaInitDuration') +
        15 * price('eventBridgeEvents') +
        40 * price('dynamoWrites') +
        60 * price('dynamoReads') +
        3 * price('sqsRequests') +
        2 * price('appsyncOperations') +
        3 * price('appsyncRealtimeMessages') +
        2 * price('appsyncConnectionMinutes') +
        (40_000 / 1024 ** 3) * price('logsIngestion') +
        price('xrayTracesRecorded'));
    const expressSaga =
      MILLION * (price('sfnExpressRequests') + 1.8 * (64 / 1024) * price('sfnExpressDuration'));
    const standardSaga = MILLION * 40 * price('sfnStateTransitions');

    const express = costPerMillionOrders(order, US_EAST_1, 'EXPRESS');
    const standard = costPerMillionOrders(order, US_EAST_1, 'STANDARD');

    expect(express.totalUsd).toBeCloseTo(shared + expressSaga, 9);
    expect(standard.totalUsd).toBeCloseTo(shared + standardSaga, 9);
    expect(express.totalUsd).toBeCloseTo(sumOfLines(express), 9);
    expect(standard.totalUsd / express.totalUsd).toBeGreaterThan(10);
    // Such an order does NOT fit the target even as Express: its 15 events and 40 write units alone cost
    // 15 × $1 + 40 × $0.625 = $40 per million orders. The levers are below the saga.
    const eventsAndWrites =
      (usdOf(express, 'eventBridgeEvents') ?? 0) + (usdOf(express, 'dynamoWrites') ?? 0);
    expect(eventsAndWrites).toBeCloseTo(TARGET_USD_PER_MILLION_ORDERS, 9);
    expect(express.totalUsd).toBeGreaterThan(TARGET_USD_PER_MILLION_ORDERS);
  });
});

describe('parseOrderUsage', () => {
  it('fills in the defaults: 64 MB of Express memory, no connection-minutes, no traces retrieved', () => {
    const parsed = parseOrderUsage(nothing);

    expect(parsed.sagaMemoryMb).toBe(64);
    expect(parsed.appsyncConnectionMinutes).toBe(0);
    expect(parsed.xrayTracesRetrieved).toBe(0);
  });

  it('names a missing field', () => {
    const { lambdaGbSeconds: _, ...withoutDuration } = nothing;

    const error = captured(() => parseOrderUsage(withoutDuration));

    expect(error).toBeInstanceOf(UsageValidationError);
    expect(error.code).toBe('INVALID_USAGE');
    expect(error.fields).toEqual(['lambdaGbSeconds']);
    expect(error.problems).toEqual(['lambdaGbSeconds: missing']);
    expect(error.message).toContain('lambdaGbSeconds: missing');
  });

  it('names every field of the wrong type, negative, or unknown to the model', () => {
    const error = captured(() =>
      parseOrderUsage({ ...nothing, eventsPublished: '15', dynamoWriteRequestUnits: -1, s3Requests: 4 }),
    );

    expect([...error.fields].sort()).toEqual(['dynamoWriteRequestUnits', 'eventsPublished', 's3Requests']);
    expect(error.problems).toContain('s3Requests: not a usage field the model prices');
    expect(error.problems).toContain('eventsPublished: Invalid input: expected number, received string');
    expect(error.problems.find((p) => p.startsWith('dynamoWriteRequestUnits'))).toMatch(/>=\s*0/);
  });

  it('refuses what is not an object', () => {
    expect(captured(() => parseOrderUsage(undefined)).fields).toEqual(['(root)']);
  });

  it('accepts the example usage shipped in bench/results', () => {
    const file = new URL('../../bench/results/example-usage.json', import.meta.url);
    const example = JSON.parse(readFileSync(file, 'utf8'));

    expect(example.example).toBe(true);
    expect(() => parseOrderUsage(example.usagePerOrder)).not.toThrow();
  });
});

function captured(run: () => unknown): UsageValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageValidationError) return error;
    throw error;
  }
  throw new Error('expected a UsageValidationError');
}
