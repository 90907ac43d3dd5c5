import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type AwsRequestContext, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../local/core/aws-service.js';
import { StepFunctionsService } from '../../../local/stepfunctions/service.js';
import { fakeLambda, LAMBDA_INVOKE, machine } from '../../helpers/local-stepfunctions.js';

const ctx: AwsRequestContext = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID };
const ORDERS = 'arn:aws:states:us-east-1:000000000000:stateMachine:Orders';
const SLOW = 'arn:aws:states:us-east-1:000000000000:stateMachine:Slow';
const QUICK = 'arn:aws:states:us-east-1:000000000000:stateMachine:Quick';

const ordersDefinition = {
  StartAt: 'Confirm',
  States: {
    Confirm: {
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: '${ConfirmFunction}', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: 'Check',
    },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }],
      Default: 'Rejected',
    },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'OrderRejected', Cause: 'not ok' },
  },
};

let service: StepFunctionsService;
const ended: string[] = [];

beforeAll(() => {
  const { invoker } = fakeLambda({ confirm: (p) => ({ ok: (p as { ok?: boolean }).ok !== false }) });
  service = new StepFunctionsService({
    lambda: invoker,
    timeScale: 0.001,
    onExecutionEnd: (e) => ended.push(e.executionArn),
    stateMachines: [
      { ...machine(ordersDefinition, 'Orders'), definitionSubstitutions: { ConfirmFunction: 'confirm' } },
      machine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60_000, End: true } } }, 'Slow'),
      machine(
        { StartAt: 'P', States: { P: { Type: 'Pass', Result: { fast: true }, End: true } } },
        'Quick',
        'EXPRESS',
      ),
    ],
  });
});

const call = (op: string, body: object) => service.handle(op, body, ctx) as Promise<Record<string, unknown>>;
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

describe('StepFunctionsService', () => {
  it('keeps a closed history deflated, and answers it as it was recorded', async () => {
    // A saga-sized input: every state's input and output is in the history.
    const items = Array.from({ length: 40 }, (_, i) => ({
      sku: `SKU-${i}`,
      quantity: i + 1,
      note: 'x'.repeat(40),
    }));
    const { executionArn } = service.startExecution({
      stateMachineArn: ORDERS,
      name: 'order-packed',
      input: { ok: true, items },
    });
    await service.waitForExecution(executionArn);
    const recorded = structuredClone(service.history(executionArn));
    const history = service.getExecution(executionArn).history;
    await vi.waitFor(() => expect(history.packedBytes).toBeGreaterThan(0));
    expect(service.history(executionArn)).toEqual(recorded);
    expect(service.history(executionArn)[0]).toMatchObject({ timestamp: expect.any(Date) });
    expect(history.packedBytes).toBeLessThan(JSON.stringify(recorded).length / 5);
    const page = await call('GetExecutionHistory', { executionArn, maxResults: 2, reverseOrder: true });
    expect((page.events as Array<{ type: string }>).map((e) => e.type)).toEqual([
      'ExecutionSucceeded',
      'SucceedStateExited',
    ]);
  });

  it('runs an execution: StartExecution, DescribeExecution, AWS-named history', async () => {
    const started = await call('StartExecution', {
      stateMachineArn: ORDERS,
      name: 'order-1',
      input: '{"ok":true}',
    });
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Orders:order-1');
    expect(typeof started.startDate).toBe('number');
    await service.waitForExecution(String(started.executionArn));
    const described = await call('DescribeExecution', { executionArn: started.executionArn });
    expect(described).toMatchObject({
      status: 'SUCCEEDED',
      input: '{"ok":true}',
      output: '{"ok":true}',
      name: 'order-1',
    });
    expect(described.stopDate as number).toBeGreaterThanOrEqual(described.startDate as number);
    const history = await call('GetExecutionHistory', { executionArn: started.executionArn });
    const events = history.events as Array<{
      type: string;
      id: number;
      previousEventId: number;
      timestamp: number;
    }>;
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[1]).toMatchObject({ id: 2, previousEventId: 1 });
    expect(typeof events[0]?.timestamp).toBe('number');
    expect(ended).toContain(started.executionArn);
  });

  it('pages history with maxResults/nextToken and reverses it', async () => {
    const { executionArn } = service.startExecution({ stateMachineArn: ORDERS, input: { ok: false } });
    const done = await service.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'OrderRejected', cause: 'not ok' });
    const first = await call('GetExecutionHistory', { executionArn, maxResults: 3, reverseOrder: true });
    expect((first.events as Array<{ type: string }>).map((e) => e.type)).toEqual([
      'ExecutionFailed',
      'FailStateEntered',
      'ChoiceStateExited',
    ]);
    const second = await call('GetExecutionHistory', {
      executionArn,
      maxResults: 3,
      reverseOrder: true,
      nextToken: first.nextToken,
    });
    expect((second.events as Array<{ type: string }>)[0]?.type).toBe('ChoiceStateEntered');
  });

  it('is idempotent by name while running, and refuses the name with other input', async () => {
    const a = await call('StartExecution', { stateMachineArn: SLOW, name: 'same', input: '{"a":1}' });
    const b = await call('StartExecution', { stateMachineArn: SLOW, name: 'same', input: '{"a":1}' });
    expect(b).toEqual(a);
    expect(
      await codeOf(call('StartExecution', { stateMachineArn: SLOW, name: 'same', input: '{"a":2}' })),
    ).toBe('ExecutionAlreadyExists');
    const list = await call('ListExecutions', { stateMachineArn: SLOW, statusFilter: 'RUNNING' });
    expect((list.executions as Array<{ name: string }>).map((e) => e.name)).toEqual(['same']);
    await call('StopExecution', { executionArn: a.executionArn, error: 'Manual', cause: 'test' });
    expect(await call('DescribeExecution', { executionArn: a.executionArn })).toMatchObject({
      status: 'ABORTED',
      error: 'Manual',
      cause: 'test',
    });
    const history = await call('GetExecutionHistory', { executionArn: a.executionArn });
    const events = history.events as Array<{ type: string; executionAbortedEventDetails?: object }>;
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Manual' },
    });
    // Closed now: the same name and input is a clash, as in AWS.
    expect(
      await codeOf(call('StartExecution', { stateMachineArn: SLOW, name: 'same', input: '{"a":1}' })),
    ).toBe('ExecutionAlreadyExists');
    const aborted = await call('ListExecutions', { stateMachineArn: SLOW, statusFilter: 'ABORTED' });
    expect((aborted.executions as unknown[]).length).toBe(1);
  });

  it('runs EXPRESS machines synchronously with StartSyncExecution', async () => {
    const result = await call('StartSyncExecution', { stateMachineArn: QUICK, input: '{}' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"fast":true}', stateMachineArn: QUICK });
    expect(String(result.executionArn)).toMatch(/:express:Quick:/);
    expect(await codeOf(call('StartSyncExecution', { stateMachineArn: ORDERS }))).toBe(
      'StateMachineTypeNotSupported',
    );
  });

  it('lists and describes state machines with the substituted definition', async () => {
    const list = await call('ListStateMachines', {});
    expect((list.stateMachines as Array<{ name: string }>).map((m) => m.name)).toEqual([
      'Orders',
      'Slow',
      'Quick',
    ]);
    const described = await call('DescribeStateMachine', { stateMachineArn: ORDERS });
    expect(described).toMatchObject({ name: 'Orders', type: 'STANDARD', status: 'ACTIVE' });
    expect(String(described.definition)).toContain('"FunctionName":"confirm"');
  });

  it('answers with AWS error codes', async () => {
    const missing = 'arn:aws:states:us-east-1:000000000000:stateMachine:Nope';
    expect(await codeOf(call('StartExecution', { stateMachineArn: missing }))).toBe(
      'StateMachineDoesNotExist',
    );
    expect(await codeOf(call('StartExecution', { stateMachineArn: 'not-an-arn' }))).toBe('InvalidArn');
    expect(await codeOf(call('StartExecution', { stateMachineArn: ORDERS, input: '{oops' }))).toBe(
      'InvalidExecutionInput',
    );
    expect(await codeOf(call('StartExecution', { stateMachineArn: ORDERS, name: 'has space' }))).toBe(
      'InvalidName',
    );
    expect(await codeOf(call('StartExecution', {}))).toBe('ValidationException');
    const ghost = 'arn:aws:states:us-east-1:000000000000:execution:Orders:ghost';
    expect(await codeOf(call('DescribeExecution', { executionArn: ghost }))).toBe('ExecutionDoesNotExist');
    expect(await codeOf(call('DescribeExecution', { executionArn: 'bad' }))).toBe('InvalidArn');
    expect(await codeOf(call('GetExecutionHistory', { executionArn: ghost }))).toBe('ExecutionDoesNotExist');
    expect(await codeOf(call('DescribeStateMachine', { stateMachineArn: missing }))).toBe(
      'StateMachineDoesNotExist',
    );
    expect(await codeOf(call('NoSuchThing', {}))).toBe('UnknownOperationException');
  });

  it('refuses to start with an invalid definition, naming the machine', () => {
    expect(
      () =>
        new StepFunctionsService({
          lambda: fakeLambda({}).invoker,
          stateMachines: [machine({ StartAt: 'A', States: { A: { Type: 'Pass' } } }, 'Broken')],
        }),
    ).toThrow(/Broken/);
  });
});
