import { deflateRaw, inflateRawSync } from 'node:zlib';
import type { StateInfo } from './definition.js';
import { historyResource } from './tasks.js';

/**
 * An execution's history as `GetExecutionHistory` returns it. aws-local-stepfunctions logs states entered, exited,
 * failed and retried; the Task events (`TaskScheduled`, `TaskStarted`, `TaskSucceeded`, `TaskFailed`, or their
 * `LambdaFunction*` twins for a bare function ARN) come from the engine's task overrides, so every attempt of a
 * retried Task shows as in AWS.
 */

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** One call of a Task's resource; a call abandoned by a `States.Timeout` records nothing more. */
export interface TaskAttempt {
  readonly stateName: string;
  readonly resource: string;
  abandoned: boolean;
}

/** The library's event log entries this module reads (a structural subset of its `EventLog`). */
export interface LibraryEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly index?: number;
  readonly state?: {
    readonly name: string;
    readonly type: string;
    readonly input: unknown;
    readonly output?: unknown;
  };
  readonly parentState?: { readonly name: string };
}

const json = (value: unknown) => JSON.stringify(value ?? null);
const dataDetails = { truncated: false };

function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

export class ExecutionHistory {
  /** The events while the history is open (and until it is packed); undefined once packed. */
  private list: HistoryEvent[] | undefined = [];
  /** The closed history, deflated (see `pack`). */
  private packed: Buffer | undefined;
  private packing = false;
  private closed = false;
  private readonly failuresSinceExit = new Map<string, number>();
  private readonly lastEntered = new Map<string, Date>();
  private readonly pendingTaskFailures = new Map<string, number>();
  private readonly inflight: TaskAttempt[] = [];

  constructor(
    private readonly states: ReadonlyMap<string, StateInfo>,
    private readonly region: string,
    private readonly roleArn?: string,
  ) {}

  /** The events, oldest first: the live list, or a copy unpacked from the closed history. */
  get events(): readonly HistoryEvent[] {
    if (this.list) return this.list;
    const events = JSON.parse(inflateRawSync(this.packed as Buffer).toString('utf8')) as Array<
      Omit<HistoryEvent, 'timestamp'> & { timestamp: string | Date }
    >;
    for (const event of events) event.timestamp = new Date(event.timestamp);
    return events as HistoryEvent[];
  }

  /** The deflated size once the closed history is packed; undefined before. */
  get packedBytes(): number | undefined {
    return this.packed?.length;
  }

  /**
   * Keeps a closed history deflated, off the main thread (zlib's pool), and unpacks it on each read. Every state's
   * input and output is in it, and a saga's input grows with each step's result: ~140 KB per order in objects,
   * kept for as long as the cloud runs (the emulator's largest heap user under load), a few KB deflated. An
   * open history is never packed: it still grows.
   */
  pack(): void {
    if (!this.closed || !this.list || this.packing) return;
    this.packing = true;
    deflateRaw(JSON.stringify(this.list), { level: 1 }, (error, packed) => {
      this.packing = false;
      if (error) return; // kept as it is: still correct, only larger
      this.packed = packed;
      this.list = undefined;
      this.failuresSinceExit.clear();
      this.lastEntered.clear();
      this.pendingTaskFailures.clear();
      this.inflight.length = 0;
    });
  }

  /** Number of failed attempts of a state's current visit (`$$.State.RetryCount`). */
  retryCount(stateName: string): number {
    return this.failuresSinceExit.get(stateName) ?? 0;
  }

  /** `$$.State.EnteredTime`: the entry of the current visit once seen, else now (the state is being entered). */
  enteredTime(stateName: string): string {
    const entered = this.retryCount(stateName) > 0 ? this.lastEntered.get(stateName) : undefined;
    return (entered ?? new Date()).toISOString();
  }

  /** Records an event; after the execution closed, late task results are dropped. */
  add(type: string, details?: Record<string, unknown>, timestamp = new Date()): void {
    if (this.closed || !this.list) return;
    const id = this.list.length + 1;
    this.list.push({
      id,
      previousEventId: id - 1,
      timestamp,
      type,
      ...(details && { [detailsKey(type)]: details }),
    });
    if (/^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(type)) this.closed = true;
  }

  onLibraryEvent(event: LibraryEvent): void {
    const at = new Date(event.timestamp);
    const state = event.state;
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(
          'ExecutionStarted',
          {
            input: json(event.input),
            inputDetails: dataDetails,
            ...(this.roleArn && { roleArn: this.roleArn }),
          },
          at,
        );
        return;
      case 'ExecutionSucceeded':
        this.add('ExecutionSucceeded', { output: json(event.output), outputDetails: dataDetails }, at);
        return;
      case 'ExecutionFailed':
        // A Fail state without Error/Cause: AWS reports neither, the library invents "FailStateError".
        if (event.Error === 'FailStateError') this.add('ExecutionFailed', {}, at);
        else this.add('ExecutionFailed', { error: event.Error, cause: causeText(event.Cause) }, at);
        return;
      case 'ExecutionTimeout':
        this.add('ExecutionTimedOut', { error: 'States.Timeout', cause: 'The execution timed out' }, at);
        return;
      case 'ExecutionAborted':
        // The engine records ExecutionAborted itself, with the caller's error and cause.
        return;
      case 'StateEntered':
        if (!state) return;
        this.lastEntered.set(state.name, at);
        this.add(
          `${state.type}StateEntered`,
          { name: state.name, input: json(state.input), inputDetails: dataDetails },
          at,
        );
        if (state.type === 'Parallel') this.add('ParallelStateStarted', undefined, at);
        if (state.type === 'Map') this.add('MapStateStarted', this.mapLength(state.name, state.input), at);
        return;
      case 'StateExited':
        if (!state) return;
        this.failuresSinceExit.delete(state.name);
        if (state.type === 'Parallel' || state.type === 'Map')
          this.add(`${state.type}StateSucceeded`, undefined, at);
        this.add(
          `${state.type}StateExited`,
          { name: state.name, output: json(state.output), outputDetails: dataDetails },
          at,
        );
        return;
      case 'StateFailed':
        if (!state) return;
        this.failuresSinceExit.set(state.name, this.retryCount(state.name) + 1);
        this.onStateFailed(state.name, state.type, event, at);
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.add(event.type, { name: event.parentState?.name, index: event.index }, at);
        return;
      default:
        // StateRetried, StateCaught and Parallel branch events have no AWS counterpart: the next attempt's
        // TaskScheduled (or the catcher's next state) shows them.
        return;
    }
  }

  private onStateFailed(name: string, type: string, event: LibraryEvent, at: Date): void {
    if (type === 'Parallel' || type === 'Map') {
      this.add(`${type}StateFailed`, undefined, at);
      return;
    }
    if (type !== 'Task') return;
    const pending = this.pendingTaskFailures.get(name) ?? 0;
    if (pending > 0) {
      this.pendingTaskFailures.set(name, pending - 1);
      return;
    }
    if (event.Error !== 'States.Timeout') return;
    // The library raced the call against the Task's TimeoutSeconds and lost patience: the call is abandoned.
    const attempt = this.inflight.find((a) => a.stateName === name && !a.abandoned);
    if (attempt) attempt.abandoned = true;
    const resource = this.states.get(name)?.resource ?? '';
    const details = { error: 'States.Timeout', cause: causeText(event.Cause) };
    if (isFunctionArn(resource)) this.add('LambdaFunctionTimedOut', details, at);
    else this.add('TaskTimedOut', { ...historyResource(resource), ...details }, at);
  }

  taskScheduled(stateName: string, resource: string, parameters: unknown): TaskAttempt {
    const attempt: TaskAttempt = { stateName, resource, abandoned: false };
    this.inflight.push(attempt);
    const timeout = this.states.get(stateName)?.timeoutSeconds;
    const timeoutDetails = timeout !== undefined ? { timeoutInSeconds: timeout } : {};
    if (isFunctionArn(resource)) {
      this.add('LambdaFunctionScheduled', {
        resource,
        input: json(parameters),
        inputDetails: dataDetails,
        ...timeoutDetails,
      });
      this.add('LambdaFunctionStarted');
    } else {
      const named = historyResource(resource);
      this.add('TaskScheduled', {
        ...named,
        region: this.region,
        parameters: json(parameters),
        ...timeoutDetails,
      });
      this.add('TaskStarted', named);
    }
    return attempt;
  }

  taskSucceeded(attempt: TaskAttempt, output: unknown): void {
    if (!this.settle(attempt)) return;
    const details = { output: json(output), outputDetails: dataDetails };
    if (isFunctionArn(attempt.resource)) this.add('LambdaFunctionSucceeded', details);
    else this.add('TaskSucceeded', { ...historyResource(attempt.resource), ...details });
  }

  taskFailed(attempt: TaskAttempt, error: string, cause: string): void {
    if (!this.settle(attempt)) return;
    this.pendingTaskFailures.set(
      attempt.stateName,
      (this.pendingTaskFailures.get(attempt.stateName) ?? 0) + 1,
    );
    if (isFunctionArn(attempt.resource)) this.add('LambdaFunctionFailed', { error, cause });
    else this.add('TaskFailed', { ...historyResource(attempt.resource), error, cause });
  }

  private settle(attempt: TaskAttempt): boolean {
    const at = this.inflight.indexOf(attempt);
    if (at >= 0) this.inflight.splice(at, 1);
    return !attempt.abandoned;
  }

  private mapLength(name: string, input: unknown): Record<string, unknown> | undefined {
    const info = this.states.get(name);
    const effective = info?.inputPath === null ? {} : simplePath(input, info?.inputPath ?? '$');
    const items = simplePath(effective, info?.itemsPath ?? '$');
    return Array.isArray(items) ? { length: items.length } : undefined;
  }
}

function isFunctionArn(resource: string): boolean {
  return /^arn:[^:]+:lambda:/.test(resource);
}

export function causeText(cause: unknown): string {
  if (cause === undefined || cause === null) return '';
  return typeof cause === 'string' ? cause : cause instanceof Error ? cause.message : JSON.stringify(cause);
}

/** `$`, `$.a.b`, `$.a[0]`: enough to count a Map's items for the history; anything else is unknown. */
function simplePath(value: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(path)) return undefined;
  let current: unknown = value;
  for (const [, key, index] of path.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key ?? Number(index)];
  }
  return current;
}
