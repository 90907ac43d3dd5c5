import { describe, expect, it } from 'vitest';
import { DefinitionError, executionPath, type PathHistoryEvent } from '../../../local/console/saga-path.js';

const asl = {
  StartAt: 'Reserve',
  States: {
    Reserve: {
      Type: 'Task',
      Next: 'Charge',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Reserve failed' }],
    },
    Charge: { Type: 'Task', Next: 'Done', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Charge failed' }] },
    Done: { Type: 'Succeed' },
    'Reserve failed': { Type: 'Pass', Next: 'Compensated' },
    'Charge failed': { Type: 'Pass', Next: 'Undo Reserve' },
    'Undo Reserve': { Type: 'Task', Next: 'Compensated' },
    Compensated: { Type: 'Pass', End: true },
  },
};

const entered = (name: string, type = 'Task'): PathHistoryEvent => ({
  type: `${type}StateEntered`,
  stateEnteredEventDetails: { name },
});
const exited = (name: string, type = 'Task'): PathHistoryEvent => ({
  type: `${type}StateExited`,
  stateExitedEventDetails: { name },
});
const scheduled: PathHistoryEvent = { type: 'LambdaFunctionScheduled' };
const succeeded: PathHistoryEvent = { type: 'LambdaFunctionSucceeded' };
const failed = (error: string): PathHistoryEvent => ({
  type: 'LambdaFunctionFailed',
  lambdaFunctionFailedEventDetails: { error, cause: `${error} happened` },
});

describe('executionPath', () => {
  it('marks the step a Catch took away from as failed, and what ran after it as compensations', () => {
    const history = [
      { type: 'ExecutionStarted' },
      entered('Reserve'),
      scheduled,
      succeeded,
      exited('Reserve'),
      entered('Charge'),
      scheduled,
      failed('PaymentDeclined'),
      entered('Charge failed', 'Pass'),
      exited('Charge failed', 'Pass'),
      entered('Undo Reserve'),
      scheduled,
      succeeded,
      exited('Undo Reserve'),
      entered('Compensated', 'Pass'),
      exited('Compensated', 'Pass'),
      { type: 'ExecutionSucceeded' },
    ];
    const path = executionPath(JSON.stringify(asl), history);
    expect(path.failedSteps).toEqual(['Charge']);
    expect(path.compensations).toEqual(['Charge failed', 'Undo Reserve', 'Compensated']);
    const status = Object.fromEntries(path.nodes.map((n) => [n.name, n.status]));
    expect(status).toEqual({
      Reserve: 'succeeded',
      Charge: 'failed',
      Done: 'not-run',
      'Reserve failed': 'not-run',
      'Charge failed': 'compensation',
      'Undo Reserve': 'compensation',
      Compensated: 'compensation',
    });
    expect(path.nodes.find((n) => n.name === 'Charge')).toMatchObject({ error: 'PaymentDeclined' });
    const edge = (from: string, to: string) => path.edges.find((e) => e.from === from && e.to === to);
    expect(edge('Charge', 'Charge failed')).toEqual({
      from: 'Charge',
      to: 'Charge failed',
      kind: 'catch',
      taken: true,
    });
    expect(edge('Charge', 'Done')?.taken).toBe(false);
    expect(edge('Reserve', 'Charge')?.taken).toBe(true);
    expect(edge('Reserve', 'Reserve failed')).toMatchObject({ kind: 'catch', taken: false });
  });

  it('does not call a retried task that then succeeded a failure', () => {
    const history = [
      entered('Reserve'),
      scheduled,
      failed('Lambda.ServiceException'),
      scheduled,
      succeeded,
      exited('Reserve'),
      entered('Charge'),
      scheduled,
      succeeded,
      exited('Charge'),
      entered('Done', 'Succeed'),
      { type: 'ExecutionSucceeded' },
    ];
    const path = executionPath(asl, history);
    expect(path.failedSteps).toEqual([]);
    expect(path.compensations).toEqual([]);
    expect(path.nodes.find((n) => n.name === 'Reserve')).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('marks an uncaught failure that failed the execution, and the state still running', () => {
    const failing = executionPath(asl, [
      entered('Reserve'),
      scheduled,
      failed('States.Timeout'),
      { type: 'ExecutionFailed' },
    ]);
    expect(failing.failedSteps).toEqual(['Reserve']);
    const running = executionPath(asl, [entered('Reserve'), scheduled]);
    expect(running.nodes.find((n) => n.name === 'Reserve')?.status).toBe('running');
  });

  it('refuses a definition that is not a state machine', () => {
    expect(() => executionPath('{nope', [])).toThrow(DefinitionError);
    expect(() => executionPath({ StartAt: 'A' }, [])).toThrow(/no States/);
  });
});
