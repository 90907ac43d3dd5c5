import { describe, expect, it } from 'vitest';
import {
  applySubstitutions,
  contextPath,
  MAX_TIMEOUT_SECONDS,
  prepareDefinition,
} from '../../../local/stepfunctions/definition.js';
import { runMachine } from '../../helpers/local-stepfunctions.js';

describe('definition preparation', () => {
  it('polyfills Promise.withResolvers on Node 20 once the engine is loaded', async () => {
    await import('../../../local/stepfunctions/engine.js');
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
  });

  it('gives every Task AWS timeouts: none by default, capped against the setTimeout overflow', () => {
    const { definition, tasks } = prepareDefinition(
      'm',
      {
        TimeoutSeconds: 99_999_999,
        StartAt: 'A',
        States: {
          A: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'f' },
            Next: 'B',
          },
          B: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'f' },
            TimeoutSeconds: 99_999_999,
            End: true,
          },
        },
      },
      { validate: false },
    );
    const states = definition.States as Record<string, { TimeoutSeconds?: number }>;
    expect(states.A?.TimeoutSeconds).toBe(MAX_TIMEOUT_SECONDS);
    expect(states.B?.TimeoutSeconds).toBe(MAX_TIMEOUT_SECONDS);
    expect(definition.TimeoutSeconds).toBe(MAX_TIMEOUT_SECONDS);
    expect(tasks.get('B')?.timeoutSeconds).toBe(MAX_TIMEOUT_SECONDS);
    expect(tasks.get('A')?.timeoutSeconds).toBeUndefined();
  });

  it('scales Retry intervals (default 1 s included) and Wait seconds', () => {
    const { definition } = prepareDefinition(
      'm',
      {
        StartAt: 'W',
        States: {
          W: { Type: 'Wait', Seconds: 10, Next: 'T' },
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'f' },
            Retry: [
              { ErrorEquals: ['States.ALL'] },
              { ErrorEquals: ['X'], IntervalSeconds: 4, MaxDelaySeconds: 8 },
            ],
            End: true,
          },
        },
      },
      { validate: false, timeScale: 0.5 },
    );
    const states = definition.States as Record<string, Record<string, unknown>>;
    expect(states.W?.Seconds).toBe(5);
    expect(states.T?.Retry).toEqual([
      { ErrorEquals: ['States.ALL'], IntervalSeconds: 0.5 },
      { ErrorEquals: ['X'], IntervalSeconds: 2, MaxDelaySeconds: 4 },
    ]);
  });

  it('points $$.Execution and $$.State at the values the engine keeps, leaving $$.StateMachine alone', () => {
    expect(contextPath('$$.Execution.Input.orderId', 3)).toBe('$$._local.Execution.Input.orderId');
    expect(contextPath('$$.State.RetryCount', 3)).toBe('$$._local.States[3].RetryCount');
    expect(contextPath('$$.StateMachine.Name', 3)).toBe('$$.StateMachine.Name');
    expect(contextPath("States.Format('{}-{}', $$.Execution.Name, $.id)", 0)).toBe(
      "States.Format('{}-{}', $$._local.Execution.Name, $.id)",
    );
  });

  it('applies DefinitionSubstitutions and leaves unknown placeholders', () => {
    expect(applySubstitutions('{"F":"${Fn}","G":"${Other}"}', { Fn: 'arn:f' })).toBe(
      '{"F":"arn:f","G":"${Other}"}',
    );
  });
});

describe('execution timeout', () => {
  it('times the execution out (TIMED_OUT, ExecutionTimedOut) after the top-level TimeoutSeconds', async () => {
    const { outcome, types } = await runMachine(
      { TimeoutSeconds: 20, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1000, End: true } } },
      {},
      { timeScale: 0.001 },
    );
    expect(outcome).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(types.at(-1)).toBe('ExecutionTimedOut');
  });
});
