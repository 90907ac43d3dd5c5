// The polyfill must run before the library is used (see polyfill.ts).
import './polyfill.js';
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { type LambdaInvoker, LOCAL_REGION } from '../core/aws-service.js';
import {
  LOCAL_CONTEXT_KEY,
  type PreparedDefinition,
  parseDefinition,
  prepareDefinition,
  type StateInfo,
} from './definition.js';
import { StatesError } from './errors.js';
import { causeText, ExecutionHistory, type HistoryEvent, type LibraryEvent } from './history.js';
import { runTask, type StepFunctionsIntegrations } from './tasks.js';

/** A state machine as the local cloud knows it (from `AWS::StepFunctions::StateMachine`). */
export interface StateMachineConfig {
  readonly arn: string;
  readonly name: string;
  /** The ASL definition, as a JSON string or an object. */
  readonly definition: string | object;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly roleArn?: string;
}

export interface EngineOptions {
  readonly lambda: LambdaInvoker;
  /** Service integrations; a Task using a missing one fails with `States.Runtime` naming the resource. */
  readonly integrations?: Partial<StepFunctionsIntegrations>;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** Multiplies Retry intervals, Wait `Seconds` and timeouts; tests use e.g. 0.001. @default 1 */
  readonly timeScale?: number;
  /** Validate definitions with asl-validator in prepare() (~0.4 s each, cached). @default true */
  readonly validate?: boolean;
}

export interface PreparedStateMachine extends StateMachineConfig {
  readonly prepared: PreparedDefinition;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionOutcome {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly stopDate: Date;
}

export interface ExecutionRequest {
  readonly executionArn: string;
  readonly name: string;
  readonly input: unknown;
  readonly traceHeader?: string;
}

/** One running or finished execution: live status and history, `done` when it ends. */
export class LocalExecution {
  readonly startDate = new Date();
  status: ExecutionStatus = 'RUNNING';
  outcome?: ExecutionOutcome;
  readonly done: Promise<ExecutionOutcome>;
  private abort: () => void = () => {};
  private stopRequest?: { error?: string; cause?: string };

  constructor(
    readonly machine: PreparedStateMachine,
    readonly request: ExecutionRequest,
    readonly history: ExecutionHistory,
    run: (self: LocalExecution) => { abort: () => void; done: Promise<ExecutionOutcome> },
  ) {
    const started = run(this);
    this.abort = started.abort;
    this.done = started.done.then((outcome) => {
      this.outcome = outcome;
      this.status = outcome.status;
      // The library's run (its state machine, context and task handlers) is reachable from `abort` alone: let
      // it go with the execution, which keeps only its history (measured: ~4 KB per execution otherwise).
      this.abort = () => {};
      return outcome;
    });
  }

  get events(): readonly HistoryEvent[] {
    return this.history.events;
  }

  /** StopExecution: aborts a running execution, recording `ExecutionAborted` with the caller's error and cause. */
  stop(error?: string, cause?: string): void {
    if (this.status !== 'RUNNING' || this.stopRequest) return;
    this.stopRequest = { ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) };
    this.history.add('ExecutionAborted', this.stopRequest);
    this.abort();
  }

  /** @internal the stop request, for the outcome. */
  get stopped(): { error?: string; cause?: string } | undefined {
    return this.stopRequest;
  }
}

/** A definition's states by name, made once per definition, not per execution (a history keeps it). */
const statesByName = new WeakMap<PreparedDefinition, ReadonlyMap<string, StateInfo>>();

export class StepFunctionsEngine {
  private readonly region: string;

  constructor(private readonly options: EngineOptions) {
    this.region = options.region ?? LOCAL_REGION;
  }

  /** Validates and prepares a definition; throws `StateMachineDefinitionError` listing every problem. */
  prepare(config: StateMachineConfig): PreparedStateMachine {
    const definition = parseDefinition(config.name, config.definition);
    const timeScale = this.options.timeScale ?? 1;
    const validate = this.options.validate ?? true;
    return { ...config, prepared: prepareDefinition(config.name, definition, { timeScale, validate }) };
  }

  start(machine: PreparedStateMachine, request: ExecutionRequest): LocalExecution {
    const { prepared } = machine;
    let byName = statesByName.get(prepared);
    if (!byName) {
      byName = new Map(prepared.states.map((state) => [state.name, state]));
      statesByName.set(prepared, byName);
    }
    const history = new ExecutionHistory(byName, this.region, machine.roleArn);
    return new LocalExecution(machine, request, history, (execution) => {
      const stateMachine = new StateMachine(prepared.definition as unknown as StateMachineDefinition, {
        // Validated once by prepare(); the rewritten definition has scaled (fractional) timings.
        validationOptions: { noValidate: true },
      });
      const runOptions = {
        overrides: {
          taskResourceLocalHandlers: this.taskHandlers(prepared.tasks, history, request, machine.roleArn),
        },
        context: this.contextObject(machine, request, execution.startDate, history, prepared.states),
      } as RunOptions;
      const run = stateMachine.run(request.input as never, runOptions);
      const consumed = (async () => {
        for await (const event of run.eventLogs) {
          // A history bug must not leave the execution hanging or reject `done`.
          try {
            history.onLibraryEvent(event as LibraryEvent);
          } catch (error) {
            console.error(`stepfunctions: could not record ${event.type}: ${(error as Error).message}`);
          }
        }
      })();
      const done = settle(run.result, execution).then(async (outcome) => {
        await consumed;
        return outcome;
      });
      return { abort: run.abort, done };
    });
  }

  private taskHandlers(
    tasks: ReadonlyMap<string, StateInfo>,
    history: ExecutionHistory,
    request: ExecutionRequest,
    roleArn: string | undefined,
  ): Record<string, (input: unknown) => Promise<never>> {
    const deps = {
      lambda: this.options.lambda,
      ...(roleArn !== undefined && { roleArn }),
      ...(this.options.integrations && { integrations: this.options.integrations }),
      ...(request.traceHeader !== undefined && { traceHeader: request.traceHeader }),
    };
    const handlers: Record<string, (input: unknown) => Promise<never>> = {};
    for (const [stateName, task] of tasks) {
      const resource = task.resource ?? '';
      handlers[stateName] = async (input) => {
        // The library's own events (StateEntered...) reach the history asynchronously: let them land first.
        await yieldToEvents();
        const attempt = history.taskScheduled(stateName, resource, input);
        try {
          const output = await runTask(stateName, resource, input, deps);
          history.taskSucceeded(attempt, output);
          return output as never;
        } catch (error) {
          const failure =
            error instanceof StatesError
              ? error
              : new StatesError(
                  'States.Runtime',
                  `Internal error in the local cloud: ${(error as Error).message}`,
                  {
                    catchable: false,
                    retryable: false,
                  },
                );
          history.taskFailed(attempt, failure.name, failure.message);
          throw failure;
        }
      };
    }
    return handlers;
  }

  /**
   * `$$` as AWS fills it. The library overwrites `Execution.Input`/`StartTime` in Parallel branches and Map
   * iterations and knows no `$$.State`; prepare() points such paths at `$$._local`, kept right here.
   */
  private contextObject(
    machine: PreparedStateMachine,
    request: ExecutionRequest,
    startDate: Date,
    history: ExecutionHistory,
    states: readonly StateInfo[],
  ): Record<string, unknown> {
    const execution = {
      Id: request.executionArn,
      Input: request.input,
      Name: request.name,
      ...(machine.roleArn && { RoleArn: machine.roleArn }),
      StartTime: startDate.toISOString(),
      RedriveCount: 0,
    };
    return {
      Execution: execution,
      StateMachine: { Id: machine.arn, Name: machine.name },
      [LOCAL_CONTEXT_KEY]: {
        Execution: execution,
        States: states.map((state) => ({
          Name: state.name,
          get EnteredTime() {
            return history.enteredTime(state.name);
          },
          get RetryCount() {
            return history.retryCount(state.name);
          },
        })),
      },
    };
  }
}

async function settle(result: Promise<unknown>, execution: LocalExecution): Promise<ExecutionOutcome> {
  try {
    const output = await result;
    return { status: 'SUCCEEDED', output, stopDate: new Date() };
  } catch (error) {
    const stopDate = new Date();
    if (error instanceof ExecutionAbortedError) return { status: 'ABORTED', ...execution.stopped, stopDate };
    if (error instanceof ExecutionTimeoutError) {
      return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out', stopDate };
    }
    const failure = error instanceof ExecutionError ? (error.cause as Error) : (error as Error);
    // A Fail state without Error/Cause: AWS reports neither, the library invents "FailStateError".
    if (failure.name === 'FailStateError') return { status: 'FAILED', stopDate };
    const cause = causeText((failure as { cause?: unknown }).cause ?? failure.message);
    return { status: 'FAILED', error: failure.name, cause, stopDate };
  }
}

/** A fresh execution name (StartExecution without `name`). */
export function newExecutionName(): string {
  return randomUUID();
}
