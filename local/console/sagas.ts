/**
 * Step Functions executions for the console: the list with status and outcome, and one execution as its
 * state machine's graph with the path taken (saga-path.ts), its history, and what links it to a trace (the
 * X-Ray root of its trace header, the correlation id in its input).
 */
import type { StepFunctionsService } from '../stepfunctions/index.js';
import { CORRELATION_FIELD } from './events.js';
import { type ExecutionPath, executionPath } from './saga-path.js';

export interface ExecutionRow {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachine: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly correlationId?: string;
  /** A caught failure sent it down its compensations (a saga that undid its steps still SUCCEEDED). */
  readonly compensated: boolean;
  readonly failedSteps: readonly string[];
}

export interface HistoryRow {
  readonly id: number;
  readonly type: string;
  readonly timestamp: string;
  readonly state?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionView extends ExecutionRow {
  readonly graph: ExecutionPath;
  readonly history: readonly HistoryRow[];
  readonly traceId?: string;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** The correlation id in an execution's input: at the top, or one level down (a saga's own metadata). */
export function correlationInInput(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const record = input as Record<string, unknown>;
  if (typeof record[CORRELATION_FIELD] === 'string') return record[CORRELATION_FIELD] as string;
  for (const value of Object.values(record)) {
    if (
      value &&
      typeof value === 'object' &&
      typeof (value as Record<string, unknown>)[CORRELATION_FIELD] === 'string'
    )
      return (value as Record<string, string>)[CORRELATION_FIELD];
  }
  return undefined;
}

/** `Root=1-...;Parent=...;Sampled=0` → `1-...`. */
export function traceRoot(header: string | undefined): string | undefined {
  return header ? /Root=([^;]+)/.exec(header)?.[1] : undefined;
}

export function listExecutions(service: StepFunctionsService, limit = 200): ExecutionRow[] {
  return service
    .listExecutions()
    .slice(0, limit)
    .map((description) => row(service, description.executionArn));
}

export function executionView(service: StepFunctionsService, executionArn: string): ExecutionView {
  const execution = service.getExecution(executionArn);
  const description = service.describeExecution(executionArn);
  const traceId = traceRoot(execution.request.traceHeader);
  return {
    ...row(service, executionArn),
    graph: graphOf(service, executionArn),
    history: execution.events.map((event) => {
      const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as
        | Record<string, unknown>
        | undefined;
      return {
        id: event.id,
        type: event.type,
        timestamp: event.timestamp.toISOString(),
        ...(typeof details?.name === 'string' ? { state: details.name } : {}),
        ...(typeof details?.error === 'string' ? { error: details.error } : {}),
        ...(typeof details?.cause === 'string' ? { cause: details.cause.slice(0, 2000) } : {}),
      };
    }),
    ...(traceId ? { traceId } : {}),
    input: description.input,
    ...(description.output !== undefined ? { output: description.output } : {}),
    ...(description.error !== undefined ? { error: description.error } : {}),
    ...(description.cause !== undefined ? { cause: description.cause } : {}),
  };
}

/** Closed executions' paths: a closed history does not change, and reading one unpacks it (see `pack`). */
const closedPaths = new WeakMap<object, ExecutionPath>();

function graphOf(service: StepFunctionsService, executionArn: string): ExecutionPath {
  const execution = service.getExecution(executionArn);
  const known = closedPaths.get(execution);
  if (known) return known;
  const path = executionPath(execution.machine.definition as string | object, execution.events);
  if (execution.status !== 'RUNNING') closedPaths.set(execution, path);
  return path;
}

function row(service: StepFunctionsService, executionArn: string): ExecutionRow {
  const description = service.describeExecution(executionArn);
  const graph = graphOf(service, executionArn);
  const correlationId = correlationInInput(description.input);
  return {
    executionArn,
    name: description.name,
    stateMachine: description.stateMachineArn.split(':').pop() ?? description.stateMachineArn,
    status: description.status,
    startDate: description.startDate.toISOString(),
    ...(description.stopDate ? { stopDate: description.stopDate.toISOString() } : {}),
    ...(correlationId ? { correlationId } : {}),
    compensated: graph.compensations.length > 0,
    failedSteps: graph.failedSteps,
  };
}
