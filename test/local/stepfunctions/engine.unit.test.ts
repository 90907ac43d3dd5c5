import { describe, expect, it } from 'vitest';
import { fakeLambda, LAMBDA_INVOKE, namedError, runMachine } from '../../helpers/local-stepfunctions.js';

const invoke = (fn: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: LAMBDA_INVOKE,
  Parameters: { FunctionName: fn, 'Payload.$': '$' },
  ...extra,
});

describe('engine: Lambda tasks', () => {
  it('returns the whole Invoke response, so $.Payload selects the result', async () => {
    const { invoker } = fakeLambda({ reserve: (p) => ({ reserved: true, order: (p as { id: string }).id }) });
    const { outcome, types } = await runMachine(
      { StartAt: 'Reserve', States: { Reserve: invoke('reserve', { OutputPath: '$.Payload', End: true }) } },
      { id: 'o-1' },
      { lambda: invoker },
    );
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { reserved: true, order: 'o-1' } });
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('retries with backoff and shows every attempt in the history', async () => {
    const { invoker, calls } = fakeLambda({
      flaky: (_p, call) => {
        if (call < 3) throw namedError('TransientError', `attempt ${call}`);
        return 'ok';
      },
    });
    const { outcome, types, events } = await runMachine(
      {
        StartAt: 'Charge',
        States: {
          Charge: invoke('flaky', {
            Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
            OutputPath: '$.Payload',
            End: true,
          }),
        },
      },
      {},
      { lambda: invoker },
    );
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: 'ok' });
    expect(calls).toHaveLength(3);
    expect(types.filter((t) => t.startsWith('Task'))).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
    const failed = events.find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'TransientError',
    });
  });
});

describe('engine: errors as AWS names them', () => {
  it('catches a Lambda error with a Cause in AWS shape', async () => {
    const { invoker } = fakeLambda({
      charge: () => Promise.reject(namedError('PaymentDeclined', 'card declined')),
    });
    const { outcome } = await runMachine(
      {
        StartAt: 'Charge',
        States: {
          Charge: invoke('charge', {
            Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.error', Next: 'Compensate' }],
            End: true,
          }),
          Compensate: { Type: 'Pass', End: true },
        },
      },
      { orderId: 'o-1' },
      { lambda: invoker },
    );
    expect(outcome.status).toBe('SUCCEEDED');
    const output = outcome.output as { orderId: string; error: { Error: string; Cause: string } };
    expect(output.orderId).toBe('o-1');
    expect(output.error.Error).toBe('PaymentDeclined');
    expect(JSON.parse(output.error.Cause)).toEqual({
      errorType: 'PaymentDeclined',
      errorMessage: 'card declined',
      trace: ['PaymentDeclined: card declined'],
    });
  });

  it('States.ALL catches any Lambda error but a task that works is not caught (polyfill in place)', async () => {
    const { invoker } = fakeLambda({
      ok: () => ({ fine: true }),
      boom: () => Promise.reject(new TypeError('x is undefined')),
    });
    const definition = (fn: string) => ({
      StartAt: 'Step',
      States: {
        Step: invoke(fn, { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], Next: 'Done' }),
        Caught: { Type: 'Fail', Error: 'Compensated', Cause: 'caught' },
        Done: { Type: 'Succeed' },
      },
    });
    const ok = await runMachine(definition('ok'), {}, { lambda: invoker });
    expect(ok.outcome.status).toBe('SUCCEEDED');
    const failed = await runMachine(definition('boom'), {}, { lambda: invoker });
    expect(failed.outcome).toMatchObject({ status: 'FAILED', error: 'Compensated', cause: 'caught' });
    expect(failed.types).toContain('FailStateEntered');
    expect(failed.types.at(-1)).toBe('ExecutionFailed');
  });

  it('fails the execution with the Lambda error when nothing catches it', async () => {
    const { invoker } = fakeLambda({ boom: () => Promise.reject(namedError('OutOfStock', 'sku-1')) });
    const { outcome, events } = await runMachine(
      { StartAt: 'Reserve', States: { Reserve: invoke('boom', { End: true }) } },
      {},
      { lambda: invoker },
    );
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'OutOfStock' });
    expect(JSON.parse(outcome.cause ?? '')).toMatchObject({ errorType: 'OutOfStock', errorMessage: 'sku-1' });
    expect(events.at(-1)?.executionFailedEventDetails).toMatchObject({ error: 'OutOfStock' });
  });

  it('reports a Lambda timeout as Lambda.Unknown, which States.TaskFailed matches', async () => {
    const invoker = {
      invoke: async () => ({
        statusCode: 200,
        functionError: 'Unhandled' as const,
        executedVersion: '$LATEST',
        payload: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' },
      }),
    };
    const { outcome } = await runMachine(
      {
        StartAt: 'Slow',
        States: {
          Slow: invoke('slow', {
            Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }],
            End: true,
          }),
          Caught: { Type: 'Pass', End: true },
        },
      },
      {},
      { lambda: invoker },
    );
    const output = outcome.output as { Error: string; Cause: string };
    expect(output.Error).toBe('Lambda.Unknown');
    expect(output.Cause).toMatch(
      /^The cause could not be determined because Lambda did not return an error type/,
    );
  });

  it('times a Task out with States.Timeout (TimeoutSeconds, scaled) and records TaskTimedOut', async () => {
    const { invoker } = fakeLambda({
      hang: () => new Promise((resolve) => setTimeout(() => resolve('late'), 200)),
    });
    const { outcome, types } = await runMachine(
      {
        StartAt: 'Hang',
        States: {
          Hang: invoke('hang', {
            TimeoutSeconds: 5,
            Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' }],
            End: true,
          }),
          Wrong: { Type: 'Pass', End: true },
        },
      },
      {},
      { lambda: invoker, timeScale: 0.01 },
    );
    // States.TaskFailed does not match a timeout, as in AWS.
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskTimedOut',
      'ExecutionFailed',
    ]);
  });

  it('fails clearly (not catchable) on a resource the local cloud does not implement', async () => {
    const { outcome } = await runMachine(
      {
        StartAt: 'Sns',
        States: {
          Sns: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sns:publish',
            Parameters: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'hi' },
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      {},
    );
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(outcome.cause).toContain('arn:aws:states:::sns:publish');
  });
});
