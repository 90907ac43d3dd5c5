import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEvent } from '../../functions/kernel/events/parse.js';
import { COMPENSATION_FAILED_ERROR } from '../../lib/constructs/saga/runtime/contract.js';
import type { HistoryEvent } from '../../local/stepfunctions/index.js';
import type { PutEventsEntry } from '../../local/stepfunctions/tasks.js';
import {
  DEFAULT_RESULTS,
  fulfillmentStack,
  localSaga,
  namedError,
  type SynthesizedSaga,
  sagaInput,
  synthesizeSaga,
  TRACEPARENT,
} from '../helpers/saga.js';

/**
 * The order fulfillment example, synthesized by CDK (cdk-nag on), its definition taken from the template with the
 * intrinsics resolved by the local cloud's model, run on the local Step Functions engine with fake service
 * functions keyed by their alias ARN and the real event builder.
 */

const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

let saga: SynthesizedSaga;
beforeAll(() => {
  saga = synthesizeSaga(fulfillmentStack({ nag: true }));
});

const STEPS = ['ReserveStock', 'ChargePayment', 'CreateShipment', 'ConfirmOrder'] as const;
const UNDO: Record<string, string | undefined> = {
  ReserveStock: 'ReleaseStock',
  ChargePayment: 'RefundPayment',
  CreateShipment: 'CancelShipment',
  ConfirmOrder: undefined,
};

/** The envelopes published, each validated against the kernel catalogue. */
function envelopes(published: readonly PutEventsEntry[]) {
  return published.map((entry) => {
    expect(entry.Source).toBe('commerceforge.saga');
    expect(entry.EventBusName).toBe(saga.busArn);
    const event = parseEvent(JSON.parse(entry.Detail ?? 'null'));
    expect(entry.DetailType).toBe(event.type);
    return event;
  });
}

/** Every attempt of one command in the history: when it was scheduled and how it ended. */
function attempts(history: readonly HistoryEvent[], commandType: string) {
  return history.flatMap((event, index) => {
    if (event.type !== 'LambdaFunctionScheduled') return [];
    const details = event.lambdaFunctionScheduledEventDetails as { input: string };
    if ((JSON.parse(details.input) as { command?: { type?: string } }).command?.type !== commandType)
      return [];
    const end = history
      .slice(index + 1)
      .find(
        (e) => /^LambdaFunction(Succeeded|Failed|TimedOut)$/.test(e.type) || e.type === 'TaskStateExited',
      );
    return [{ at: event.timestamp.getTime(), outcome: end?.type }];
  });
}

describe('the synthesized saga definition', () => {
  it('is valid ASL (asl-validator, paths and ARNs checked) and JSONPath only', () => {
    const result = aslValidator(structuredClone(saga.definition), { checkPaths: true, checkArn: true });
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    expect(JSON.stringify(saga.definition)).not.toContain('JSONata');
  });
});

describe('the order fulfillment saga on the local engine', () => {
  it('succeeds: every step once in order, results kept by step name, lifecycle events valid and correlated', async () => {
    const local = localSaga(saga);
    const { result } = await local.run(sagaInput('order-1'), 'order-1');

    expect(result.status).toBe('SUCCEEDED');
    expect(local.commands()).toEqual([...STEPS]);
    expect(result.output).toEqual({
      status: 'Succeeded',
      sagaName: 'OrderFulfillment',
      sagaId: 'order-1',
      subjectId: 'order-1',
      results: Object.fromEntries(STEPS.map((s) => [s, DEFAULT_RESULTS[s]])),
    });
    // Later steps read earlier results: the charge got the reservation, the commandId is per saga and step.
    const charge = local.invocations.find((i) => i.command === 'ChargePayment');
    expect(charge?.payload).toEqual({
      command: {
        type: 'ChargePayment',
        data: { orderId: 'order-1', amount: 2400, paymentToken: 'tok_visa', reservationId: 'res-1' },
      },
      commandId: 'order-1:ChargePayment',
    });

    const events = envelopes(local.published);
    expect(events.map((e) => e.type)).toEqual(['SagaStarted', ...STEPS.map(() => 'SagaStepCompleted')]);
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(5);
    for (const event of events) {
      expect(event).toMatchObject({
        source: 'saga',
        streamId: 'saga#OrderFulfillment#order-1',
        correlationId: 'corr-1',
        causationId: 'evt-order-placed-1',
        actor: { type: 'service', id: 'saga:OrderFulfillment' },
      });
      // Same trace as the triggering event, a span of its own.
      expect(event.traceparent.slice(0, 35)).toBe(TRACEPARENT.slice(0, 35));
    }
    expect(events[0]?.data).toEqual({
      sagaId: 'order-1',
      sagaName: 'OrderFulfillment',
      subjectId: 'order-1',
      steps: [...STEPS],
    });
    expect(events.slice(1).map((e) => e.data)).toEqual(
      STEPS.map((step, stepIndex) => ({ sagaId: 'order-1', sagaName: 'OrderFulfillment', step, stepIndex })),
    );
  });

  it.each(STEPS.map((failing, index) => ({ failing, index })))(
    'a failure at $failing runs exactly the compensations of the steps before it, in reverse order',
    async ({ failing, index }) => {
      const local = localSaga(saga, {
        [failing]: () => {
          throw namedError('BusinessRuleError', `${failing} refused`);
        },
      });
      const { result } = await local.run(sagaInput());

      const undone = STEPS.slice(0, index)
        .map((s) => UNDO[s])
        .filter((c): c is string => c !== undefined)
        .reverse();
      const compensatedSteps = STEPS.slice(0, index)
        .filter((s) => UNDO[s])
        .reverse();
      expect(local.commands()).toEqual([...STEPS.slice(0, index + 1), ...undone]);
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({
        status: 'Compensated',
        sagaId: 'order-1',
        failedStep: failing,
        error: { Error: 'BusinessRuleError', Cause: expect.stringContaining(`${failing} refused`) },
        compensatedSteps,
      });
      expect(JSON.parse((result.output as { error: { Cause: string } }).error.Cause)).toMatchObject({
        errorType: 'BusinessRuleError',
        errorMessage: `${failing} refused`,
      });

      const events = envelopes(local.published);
      expect(events.map((e) => e.type)).toEqual([
        'SagaStarted',
        ...STEPS.slice(0, index).map(() => 'SagaStepCompleted'),
        'SagaCompensated',
      ]);
      expect(events.at(-1)).toMatchObject({
        streamVersion: index + 2,
        data: {
          failedStep: failing,
          compensatedSteps,
          reason: `${failing} failed: BusinessRuleError: ${failing} refused`,
        },
      });
    },
  );

  it('ends in CompensationFailed when a compensation keeps failing, naming what is left to undo by hand', async () => {
    const local = localSaga(saga, {
      ConfirmOrder: () => {
        throw namedError('ConcurrencyError', 'order changed');
      },
      RefundPayment: () => {
        throw namedError('ProviderUnavailableError', 'provider down');
      },
    });
    const { result, history } = await local.run(sagaInput());

    // CancelShipment succeeded, RefundPayment was tried 1 + 5 times, ReleaseStock never ran.
    expect(local.commands()).toEqual([
      ...STEPS,
      'CancelShipment',
      ...Array.from({ length: 6 }, () => 'RefundPayment'),
    ]);
    expect(attempts(history, 'RefundPayment').map((a) => a.outcome)).toEqual(
      Array.from({ length: 6 }, () => 'LambdaFunctionFailed'),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error, result.cause).toBe(COMPENSATION_FAILED_ERROR);
    const cause = JSON.parse(result.cause ?? '{}');
    expect(cause).toEqual({
      status: 'CompensationFailed',
      sagaName: 'OrderFulfillment',
      sagaId: 'order-1',
      subjectId: 'order-1',
      failedStep: 'ConfirmOrder',
      error: 'ConcurrencyError',
      plannedCompensations: ['CreateShipment', 'ChargePayment', 'ReserveStock'],
      failedCompensation: 'ChargePayment',
      compensationError: 'ProviderUnavailableError',
      pendingCompensations: ['ChargePayment', 'ReserveStock'],
    });

    const events = envelopes(local.published);
    expect(events.map((e) => e.type).at(-1)).toBe('SagaFailed');
    expect(events.at(-1)).toMatchObject({
      streamVersion: 5,
      data: {
        failedStep: 'ConfirmOrder',
        error: 'ProviderUnavailableError',
        compensationFailed: true,
        reason: expect.stringContaining('left to undo by hand: ChargePayment, ReserveStock'),
      },
    });
    expect(events.at(-1)?.data).toMatchObject({
      reason: expect.stringContaining('compensated: CreateShipment;'),
    });
  });

  it('retries a retryable error with backoff, visible in the history, then goes on', async () => {
    const local = localSaga(
      saga,
      {
        ChargePayment: (_data, call) => {
          if (call < 3) throw namedError('ProviderUnavailableError', 'provider hiccup');
          return DEFAULT_RESULTS.ChargePayment;
        },
      },
      { timeScale: 0.01 },
    );
    const { result, history } = await local.run(sagaInput());

    expect(result.status).toBe('SUCCEEDED');
    expect(local.commands()).toEqual([
      'ReserveStock',
      'ChargePayment',
      'ChargePayment',
      'ChargePayment',
      'CreateShipment',
      'ConfirmOrder',
    ]);
    const charge = attempts(history, 'ChargePayment');
    expect(charge.map((a) => a.outcome)).toEqual([
      'LambdaFunctionFailed',
      'LambdaFunctionFailed',
      'LambdaFunctionSucceeded',
    ]);
    // IntervalSeconds 2 then ×2 (no jitter on this step), scaled by 0.01: at least 20 ms, then 40 ms.
    const [first, second, third] = charge.map((a) => a.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(18);
    expect(third - second).toBeGreaterThanOrEqual(38);
    expect(history.filter((e) => e.type === 'LambdaFunctionFailed')).toHaveLength(2);
  });

  it('does not retry an error the step does not name: a decline compensates at once', async () => {
    const local = localSaga(saga, {
      ChargePayment: () => {
        throw namedError('PaymentDeclinedError', 'tok_decline');
      },
    });
    const { result } = await local.run(sagaInput());
    expect(local.commands()).toEqual(['ReserveStock', 'ChargePayment', 'ReleaseStock']);
    expect(result.output).toMatchObject({ status: 'Compensated', error: { Error: 'PaymentDeclinedError' } });
  });

  it("retries Lambda's transient errors on every step by default (a throttle), then goes on", async () => {
    const local = localSaga(saga, {
      ReserveStock: (_data, call) => {
        if (call === 1)
          throw Object.assign(new Error('Rate exceeded'), { awsCode: 'TooManyRequestsException' });
        return DEFAULT_RESULTS.ReserveStock;
      },
    });
    const { result, history } = await local.run(sagaInput());
    expect(result.status).toBe('SUCCEEDED');
    expect(local.commands()).toEqual(['ReserveStock', 'ReserveStock', ...STEPS.slice(1)]);
    const failed = history.find((e) => e.type === 'LambdaFunctionFailed');
    expect(failed?.lambdaFunctionFailedEventDetails).toMatchObject({
      error: 'Lambda.TooManyRequestsException',
    });
  });

  it('times a step out (States.Timeout) and compensates the steps before it', async () => {
    const local = localSaga(saga, {
      // ChargePayment's timeout is 30 s: 30 ms at this time scale.
      ChargePayment: async () => {
        await sleep(300);
        return DEFAULT_RESULTS.ChargePayment;
      },
    });
    const { result } = await local.run(sagaInput());
    expect(result.output).toMatchObject({
      status: 'Compensated',
      failedStep: 'ChargePayment',
      error: { Error: 'States.Timeout' },
      compensatedSteps: ['ReserveStock'],
    });
    expect(local.commands()).toEqual(['ReserveStock', 'ChargePayment', 'ReleaseStock']);
    const events = envelopes(local.published);
    expect(events.at(-1)?.type).toBe('SagaCompensated');
  });

  it('fails fast with States.Runtime when started without the saga input contract', async () => {
    const local = localSaga(saga);
    const { result } = await local.run({ orderId: 'order-1' });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(local.commands()).toEqual([]);
  });

  it('keeps going when lifecycle events cannot be published (the error kept at $.saga.publishError)', async () => {
    const local = localSaga(saga, {}, { eventBridgeDown: true });
    const { result, history } = await local.run(sagaInput());
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ status: 'Succeeded' });
    expect(local.commands()).toEqual([...STEPS]);
    // Each publish was tried 1 + 3 times (MaxAttempts counts retries) before the saga moved on.
    const publishes = history.filter((e) => e.type === 'TaskFailed');
    expect(publishes).toHaveLength(5 * 4);
    expect(publishes[0]?.taskFailedEventDetails).toMatchObject({ error: 'EventBridge.InternalException' });
  });
});
