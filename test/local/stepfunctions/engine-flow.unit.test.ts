import { describe, expect, it } from 'vitest';
import {
  fakeLambda,
  fnArn,
  LAMBDA_INVOKE,
  namedError,
  runMachine,
} from '../../helpers/local-stepfunctions.js';

describe('engine: Parallel and Map', () => {
  it('runs Parallel branches with their Task states wired, in AWS-named history', async () => {
    const { invoker } = fakeLambda({ a: () => 'A', b: () => 'B' });
    const { outcome, types } = await runMachine(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'TaskA', States: { TaskA: { Type: 'Task', Resource: fnArn('a'), End: true } } },
              { StartAt: 'TaskB', States: { TaskB: { Type: 'Task', Resource: fnArn('b'), End: true } } },
            ],
            End: true,
          },
        },
      },
      {},
      { lambda: invoker },
    );
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: ['A', 'B'] });
    expect(types.slice(0, 3)).toEqual(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted']);
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(2);
    expect(types.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
    // Every branch event sits between the Parallel's start and its success.
    expect(types.lastIndexOf('TaskStateExited')).toBeLessThan(types.indexOf('ParallelStateSucceeded'));
  });

  it('runs a Map over items with $$.Map.Item in ItemSelector and a Task in the iterator', async () => {
    const { invoker, calls } = fakeLambda({ reserve: (p) => ({ ok: (p as { sku: string }).sku }) });
    const { outcome, types, events } = await runMachine(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemSelector: { 'sku.$': '$$.Map.Item.Value.sku', 'index.$': '$$.Map.Item.Index' },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'Reserve',
              States: {
                Reserve: {
                  Type: 'Task',
                  Resource: LAMBDA_INVOKE,
                  Parameters: { FunctionName: 'reserve', 'Payload.$': '$' },
                  ResultSelector: { 'sku.$': '$.Payload.ok' },
                  End: true,
                },
              },
            },
            End: true,
          },
        },
      },
      { items: [{ sku: 's1' }, { sku: 's2' }, { sku: 's3' }] },
      { lambda: invoker },
    );
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: [{ sku: 's1' }, { sku: 's2' }, { sku: 's3' }],
    });
    expect(calls.map((c) => c.payload)).toEqual([
      { sku: 's1', index: 0 },
      { sku: 's2', index: 1 },
      { sku: 's3', index: 2 },
    ]);
    expect(events.find((e) => e.type === 'MapStateStarted')?.mapStateStartedEventDetails).toEqual({
      length: 3,
    });
    expect(types.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(3);
    expect(types.slice(-3)).toEqual(['MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
  });

  it('fails the Map when an iteration fails, and a Catch on the Map sees the error', async () => {
    const { invoker } = fakeLambda({ reserve: () => Promise.reject(namedError('OutOfStock', 'none left')) });
    const { outcome, types } = await runMachine(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Iterator: {
              StartAt: 'R',
              States: { R: { Type: 'Task', Resource: fnArn('reserve'), End: true } },
            },
            Catch: [{ ErrorEquals: ['OutOfStock'], Next: 'Release' }],
            End: true,
          },
          Release: { Type: 'Pass', End: true },
        },
      },
      [1],
      { lambda: invoker },
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect((outcome.output as { Error: string }).Error).toBe('OutOfStock');
    expect(types).toContain('LambdaFunctionFailed');
    expect(types).toContain('MapStateFailed');
  });
});

describe('engine: the $$ context object', () => {
  it('fills Execution, StateMachine and State as AWS does, also inside a Parallel branch', async () => {
    const context = {
      'name.$': '$$.Execution.Name',
      'id.$': '$$.Execution.Id',
      'input.$': '$$.Execution.Input',
      'role.$': '$$.Execution.RoleArn',
      'start.$': '$$.Execution.StartTime',
      'machine.$': '$$.StateMachine.Name',
      'state.$': '$$.State.Name',
      'retry.$': '$$.State.RetryCount',
      'entered.$': '$$.State.EnteredTime',
    };
    const { outcome } = await runMachine(
      {
        StartAt: 'Top',
        States: {
          Top: { Type: 'Pass', Parameters: context, ResultPath: '$.top', Next: 'Branches' },
          Branches: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Parameters: context, End: true } } },
            ],
            ResultPath: '$.inner',
            End: true,
          },
        },
      },
      { orderId: 'o-9' },
      { name: 'order-o-9' },
    );
    const output = outcome.output as { top: Record<string, unknown>; inner: Array<Record<string, unknown>> };
    expect(output.top).toMatchObject({
      name: 'order-o-9',
      id: 'arn:aws:states:us-east-1:000000000000:execution:TestMachine:order-o-9',
      input: { orderId: 'o-9' },
      role: 'arn:aws:iam::000000000000:role/TestRole',
      machine: 'TestMachine',
      state: 'Top',
      retry: 0,
    });
    expect(output.inner[0]).toMatchObject({ name: 'order-o-9', input: { orderId: 'o-9' }, state: 'Inner' });
    expect(output.inner[0]?.start).toBe(output.top.start);
    expect(Date.parse(String(output.top.entered))).not.toBeNaN();
  });

  it('counts retries in $$.State.RetryCount', async () => {
    const { invoker, calls } = fakeLambda({
      flaky: (_p, call) => (call < 3 ? Promise.reject(namedError('Busy', 'try again')) : 'done'),
    });
    await runMachine(
      {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: LAMBDA_INVOKE,
            Parameters: { FunctionName: 'flaky', Payload: { 'attempt.$': '$$.State.RetryCount' } },
            Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 5 }],
            End: true,
          },
        },
      },
      {},
      { lambda: invoker },
    );
    expect(calls.map((c) => c.payload)).toEqual([{ attempt: 0 }, { attempt: 1 }, { attempt: 2 }]);
  });
});
