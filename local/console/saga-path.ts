/**
 * One execution drawn over its state machine: the states and transitions of the ASL (top level), and from the
 * history the path taken, the failed step (a state whose failure a Catch took elsewhere) and the states run
 * after it — the compensations, in a saga; in any state machine, the recovery path. Generic: it reads AWS's
 * history event names, nothing of the app.
 */

export type StepStatus = 'succeeded' | 'failed' | 'compensation' | 'running' | 'not-run';

export interface PathNode {
  readonly name: string;
  readonly type: string;
  readonly status: StepStatus;
  /** How many times the state ran a task (1 + retries); 0 when it has no task or did not run. */
  readonly attempts: number;
  readonly error?: string;
  readonly cause?: string;
}

export interface PathEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'next' | 'catch' | 'choice';
  readonly taken: boolean;
}

export interface ExecutionPath {
  readonly startAt: string;
  readonly nodes: readonly PathNode[];
  readonly edges: readonly PathEdge[];
  /** The states entered, in order. */
  readonly path: readonly string[];
  readonly failedSteps: readonly string[];
  readonly compensations: readonly string[];
}

interface AslState {
  readonly Type?: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next?: string }[];
  readonly Catch?: readonly { readonly Next?: string }[];
}

interface Asl {
  readonly StartAt?: string;
  readonly States?: Readonly<Record<string, AslState>>;
}

/** A history event as `GetExecutionHistory` (or the in-process history) gives it. */
export interface PathHistoryEvent {
  readonly type: string;
  readonly [details: string]: unknown;
}

const FAILURE = /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;
const SUCCEEDED = /^(TaskSucceeded|LambdaFunctionSucceeded|ActivitySucceeded)$/;
const SCHEDULED = /^(TaskScheduled|LambdaFunctionScheduled|ActivityScheduled)$/;

export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
}

export function executionPath(
  definition: string | object,
  history: readonly PathHistoryEvent[],
): ExecutionPath {
  const asl = parseDefinition(definition);
  const states = asl.States ?? {};
  const path: string[] = [];
  const attempts = new Map<string, number>();
  const failures = new Map<string, { error?: string; cause?: string }>();
  const failedSteps: string[] = [];
  const takenCatch = new Set<string>();
  let current: string | undefined;
  let pendingFailure: string | undefined;
  let recovering = false;
  const compensations: string[] = [];

  for (const event of history) {
    if (event.type.endsWith('StateEntered')) {
      const name = detailsOf(event)?.name;
      if (typeof name !== 'string' || !(name in states)) continue;
      if (pendingFailure !== undefined && pendingFailure !== name) {
        // The failed state's Catch chose where to go next: the failure is the step that failed.
        failedSteps.push(pendingFailure);
        takenCatch.add(`${pendingFailure}|${name}`);
        recovering = true;
      }
      pendingFailure = undefined;
      if (recovering && !compensations.includes(name)) compensations.push(name);
      path.push(name);
      current = name;
    } else if (SCHEDULED.test(event.type) && current !== undefined) {
      // A retry: the earlier attempt's failure was not the state's end.
      pendingFailure = undefined;
      attempts.set(current, (attempts.get(current) ?? 0) + 1);
    } else if (SUCCEEDED.test(event.type)) {
      pendingFailure = undefined;
    } else if (FAILURE.test(event.type) && current !== undefined) {
      const details = detailsOf(event);
      failures.set(current, {
        ...(typeof details?.error === 'string' ? { error: details.error } : {}),
        ...(typeof details?.cause === 'string' ? { cause: details.cause } : {}),
      });
      pendingFailure = current;
    } else if (event.type === 'ExecutionFailed' && pendingFailure !== undefined) {
      // Nothing caught it: the step failed the execution.
      failedSteps.push(pendingFailure);
      pendingFailure = undefined;
    }
  }

  const entered = new Set(path);
  const last = path.at(-1);
  const finished = history.some((event) => /^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(event.type));
  const nodes: PathNode[] = Object.entries(states).map(([name, state]) => {
    const failure = failures.get(name);
    let status: StepStatus = 'not-run';
    if (failedSteps.includes(name)) status = 'failed';
    else if (compensations.includes(name)) status = 'compensation';
    else if (entered.has(name)) status = !finished && name === last ? 'running' : 'succeeded';
    return {
      name,
      type: state.Type ?? 'Unknown',
      status,
      attempts: attempts.get(name) ?? 0,
      ...(status === 'failed' && failure?.error !== undefined ? { error: failure.error } : {}),
      ...(status === 'failed' && failure?.cause !== undefined ? { cause: failure.cause } : {}),
    };
  });

  const transitions = new Set(path.slice(1).map((to, i) => `${path[i]}|${to}`));
  const edges: PathEdge[] = [];
  const edge = (from: string, to: string | undefined, kind: PathEdge['kind']) => {
    if (to === undefined || !(to in states)) return;
    const key = `${from}|${to}`;
    const taken = kind === 'catch' ? takenCatch.has(key) : transitions.has(key) && !takenCatch.has(key);
    edges.push({ from, to, kind, taken });
  };
  for (const [name, state] of Object.entries(states)) {
    edge(name, state.Next, 'next');
    edge(name, state.Default, 'choice');
    for (const choice of state.Choices ?? []) edge(name, choice.Next, 'choice');
    for (const handler of state.Catch ?? []) edge(name, handler.Next, 'catch');
  }
  return { startAt: asl.StartAt ?? '', nodes, edges, path, failedSteps, compensations };
}

function parseDefinition(definition: string | object): Asl {
  let asl: unknown = definition;
  if (typeof definition === 'string') {
    try {
      asl = JSON.parse(definition);
    } catch (error) {
      throw new DefinitionError('the state machine definition is not JSON', { cause: error });
    }
  }
  if (!asl || typeof asl !== 'object' || typeof (asl as Asl).States !== 'object')
    throw new DefinitionError('the state machine definition has no States');
  return asl as Asl;
}

function detailsOf(event: PathHistoryEvent): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object')
      return value as Record<string, unknown>;
  }
  return undefined;
}
