import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Experiments, type LocalExperiment } from '../../../local/fis/experiments.js';
import { FaultInjector } from '../../../local/fis/injection.js';
import type { ExperimentLogRecord } from '../../../local/fis/log.js';
import { templateFromProperties } from '../../../local/fis/templates.js';

const functions = [
  { name: 'pay', arn: 'arn:aws:lambda:us-east-1:000000000000:function:pay', tags: { chaos: 'payments' } },
  {
    name: 'stock',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:stock',
    tags: { chaos: 'inventory' },
  },
];
const ALARM = 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:slo';

/** A template as CloudFormation gives it: a wait, then errors on the payments functions. */
function template(overrides: Record<string, unknown> = {}) {
  return templateFromProperties(
    'EXTTEST',
    'arn:aws:fis:us-east-1:000000000000:experiment-template/EXTTEST',
    {
      Description: 'test',
      RoleArn: 'arn:aws:iam::000000000000:role/fis',
      Tags: { Name: 'payment-errors' },
      StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: ALARM }],
      Targets: {
        Payments: {
          ResourceType: 'aws:lambda:function',
          ResourceTags: { chaos: 'payments' },
          SelectionMode: 'ALL',
        },
      },
      Actions: {
        settle: { ActionId: 'aws:fis:wait', Parameters: { duration: 'PT1M' } },
        fail: {
          ActionId: 'aws:lambda:invocation-error',
          Parameters: { duration: 'PT1M', invocationPercentage: '30', preventExecution: true },
          Targets: { Functions: 'Payments' },
          StartAfter: ['settle'],
        },
      },
      ...overrides,
    },
    0,
  );
}

let alarm: string;
let records: ExperimentLogRecord[];
let injector: FaultInjector;
let experiments: Experiments;

beforeEach(() => {
  vi.useFakeTimers();
  alarm = 'OK';
  records = [];
  injector = new FaultInjector();
  experiments = new Experiments({
    region: 'us-east-1',
    accountId: '000000000000',
    functions: () => functions,
    injector,
    alarmState: (arn) => (arn === ALARM ? alarm : undefined),
    log: (_experiment, record) => records.push(record),
  });
});

afterEach(() => {
  vi.useRealTimers();
});

const statuses = (e: LocalExperiment) => ({
  experiment: e.state.status,
  ...Object.fromEntries(Object.entries(e.actions).map(([name, a]) => [name, a.state.status])),
});

describe('an experiment', () => {
  it('goes pending → running, runs actions in startAfter order for their durations, then completes', async () => {
    const { template: t, problems } = template();
    expect(problems).toEqual([]);
    const e = experiments.start(t);
    expect(statuses(e)).toEqual({ experiment: 'pending', settle: 'pending', fail: 'pending' });
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses(e)).toEqual({ experiment: 'running', settle: 'running', fail: 'pending' });
    expect(injector.active).toEqual([]);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(statuses(e)).toEqual({ experiment: 'running', settle: 'completed', fail: 'running' });
    expect(injector.active.map((f) => [f.actionName, f.targets.map((x) => x.name)])).toEqual([
      ['fail', ['pay']],
    ]);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(statuses(e)).toEqual({ experiment: 'completed', settle: 'completed', fail: 'completed' });
    expect(injector.active).toEqual([]);
    expect(e.actions.fail?.startTime).toBe(e.actions.settle?.endTime);
    expect(records.map((r) => r.log_type)).toEqual([
      'experiment-start',
      'target-resolution-start',
      'target-resolution-detail',
      'target-resolution-end',
      'action-start',
      'action-end',
      'action-start',
      'action-end',
      'experiment-end',
    ]);
    expect(records[2]?.details).toMatchObject({ target_name: 'Payments', resolved_targets_count: 1 });
  });

  it('stops: running actions stop, pending ones are cancelled, faults end', async () => {
    const running = experiments.start(template().template);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statuses(running)).toMatchObject({ fail: 'running' });
    expect(experiments.stop(running, 'Experiment stopped by user.')).toEqual({
      status: 'stopping',
      reason: 'Experiment stopped by user.',
    });
    expect(statuses(running)).toEqual({ experiment: 'stopped', settle: 'completed', fail: 'stopped' });
    expect(injector.active.filter((f) => f.experimentId === running.id)).toEqual([]);
    // Stopping an ended experiment changes nothing.
    expect(experiments.stop(running, 'again').status).toBe('stopped');
  });

  it('cancels what has not started when stopped early', async () => {
    const e = experiments.start(template().template);
    await vi.advanceTimersByTimeAsync(1_000);
    experiments.stop(e, 'Experiment stopped by user.');
    expect(statuses(e)).toEqual({ experiment: 'stopped', settle: 'stopped', fail: 'cancelled' });
  });

  it('is halted by its stop condition when the alarm goes to ALARM', async () => {
    const e = experiments.start(template().template);
    await vi.advanceTimersByTimeAsync(62_000);
    experiments.checkStopConditions();
    expect(e.state.status).toBe('running');
    alarm = 'ALARM';
    experiments.checkStopConditions();
    expect(e.state).toEqual({ status: 'stopped', reason: `Experiment halted by stop condition ${ALARM}.` });
    expect(injector.active).toEqual([]);
  });

  it('fails when a target resolves to nothing, or skips its actions when the template says so', async () => {
    const none = {
      Payments: { ResourceType: 'aws:lambda:function', ResourceTags: { chaos: 'x' }, SelectionMode: 'ALL' },
    };
    const failing = experiments.start(template({ Targets: none }).template);
    await vi.advanceTimersByTimeAsync(0);
    expect(failing.state).toEqual({
      status: 'failed',
      reason: 'Target resolution returned empty set for target Payments.',
    });
    expect(statuses(failing)).toMatchObject({ settle: 'cancelled', fail: 'cancelled' });

    const skipping = experiments.start(
      template({ Targets: none, ExperimentOptions: { EmptyTargetResolutionMode: 'skip' } }).template,
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statuses(skipping)).toEqual({ experiment: 'completed', settle: 'completed', fail: 'skipped' });
  });

  it('fails when its stop condition names an alarm that does not exist', async () => {
    const e = experiments.start(
      template({ StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: 'arn:nope' }] }).template,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(e.state).toEqual({ status: 'failed', reason: 'Stop condition alarm not found: arn:nope.' });
  });

  it('is started once per client token', () => {
    const { template: t } = template();
    expect(experiments.start(t, { clientToken: 'a' }).id).toBe(experiments.start(t, { clientToken: 'a' }).id);
    expect(experiments.start(t, { clientToken: 'b' }).id).not.toBe(
      experiments.start(t, { clientToken: 'a' }).id,
    );
  });
});

describe('template checks', () => {
  it('finds what FIS would refuse', () => {
    const { problems } = template({
      Targets: {
        Payments: {
          ResourceType: 'aws:lambda:function',
          ResourceTags: { chaos: 'payments' },
          ResourceArns: ['arn:x'],
          SelectionMode: 'SOME(2)',
        },
      },
      Actions: {
        slow: {
          ActionId: 'aws:lambda:invocation-add-delay',
          Parameters: { duration: '10 minutes', startupDelayMilliseconds: '900001' },
          Targets: { Functions: 'Payments' },
          StartAfter: ['nothing'],
        },
        fail: { ActionId: 'aws:lambda:invocation-error', Parameters: { duration: 'PT1M' } },
        loop1: { ActionId: 'aws:fis:wait', Parameters: { duration: 'PT1M' }, StartAfter: ['loop2'] },
        loop2: { ActionId: 'aws:fis:wait', Parameters: { duration: 'PT1M' }, StartAfter: ['loop1'] },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("duration '10 minutes' is not an ISO 8601 duration"),
        expect.stringContaining("startupDelayMilliseconds '900001' must be an integer from 0 to 900000"),
        expect.stringContaining("startAfter 'nothing' is not an action"),
        expect.stringContaining("action 'fail': needs a Functions target"),
        expect.stringContaining('give resourceTags or resourceArns, exactly one of them'),
        expect.stringContaining("selectionMode 'SOME(2)'"),
        expect.stringContaining('startAfter makes a cycle'),
      ]),
    );
  });
});
