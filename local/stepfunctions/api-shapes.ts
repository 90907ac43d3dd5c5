import { AwsError } from '../core/aws-service.js';
import type { LocalExecution } from './engine.js';
import type { HistoryEvent } from './history.js';

/** Request checks, ARNs, paging and response shapes of the Step Functions JSON API, kept as AWS words them. */

export type Body = Record<string, unknown>;

export function asBody(body: unknown): Body {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
}

export function requiredString(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' ? value : undefined;
}

// With an optional qualifier: a version (`:1`) or an alias (`:live`), which AWS accepts wherever a state machine is.
const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(:[A-Za-z0-9_-]{1,80})?$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[^:]+:[^:]+(:[^:]+)?$/;

export function checkStateMachineArn(arn: string): void {
  if (!STATE_MACHINE_ARN.test(arn))
    throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}

export function checkExecutionArn(arn: string): void {
  if (!EXECUTION_ARN.test(arn))
    throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}

/** The execution ARN AWS builds from a state machine ARN and an execution name. */
export function executionArnFor(
  stateMachineArn: string,
  name: string,
  type: 'STANDARD' | 'EXPRESS',
  id: string,
): string {
  const base = stateMachineArn.replace(':stateMachine:', type === 'EXPRESS' ? ':express:' : ':execution:');
  return type === 'EXPRESS' ? `${base}:${name}:${id}` : `${base}:${name}`;
}

// Whitespace, brackets, wildcards, the special characters AWS lists, and control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS forbids control characters in names.
const INVALID_NAME_CHARS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function checkExecutionName(name: string): void {
  if (name.length < 1 || name.length > 80 || INVALID_NAME_CHARS.test(name)) {
    throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
  }
}

/** The execution input as a JSON text: AWS takes a string and refuses one that is not JSON. */
export function parseInputText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AwsError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
    );
  }
}

export const epochSeconds = (date: Date) => date.getTime() / 1000;

/** Offset paging with an opaque token bound to the listing it came from. */
export function page<T>(items: readonly T[], body: Body, scope: string): { items: T[]; nextToken?: string } {
  const requested = typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100;
  const max = Math.min(requested, 1000);
  let offset = 0;
  const token = optionalString(body, 'nextToken');
  if (token) {
    const decoded = (() => {
      try {
        return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
          scope?: string;
          offset?: number;
        };
      } catch {
        return undefined;
      }
    })();
    if (decoded?.scope !== scope || typeof decoded.offset !== 'number') {
      throw new AwsError('InvalidToken', `Invalid Token: '${token}'`);
    }
    offset = decoded.offset;
  }
  const slice = items.slice(offset, offset + max);
  const next =
    offset + max < items.length
      ? Buffer.from(JSON.stringify({ scope, offset: offset + max })).toString('base64url')
      : undefined;
  return { items: slice, ...(next && { nextToken: next }) };
}

/** A history event on the wire: timestamp in epoch seconds; without input/output when `includeExecutionData` is false. */
export function wireEvent(event: HistoryEvent, includeData: boolean): Body {
  const out: Body = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'timestamp') out.timestamp = epochSeconds(value as Date);
    else if (!includeData && key.endsWith('EventDetails') && value && typeof value === 'object') {
      const { input, output, parameters, inputDetails, outputDetails, ...rest } = value as Body;
      void [input, output, parameters, inputDetails, outputDetails];
      out[key] = rest;
    } else out[key] = value;
  }
  return out;
}

/** What the in-process API and the end-of-execution callback hand out. */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: LocalExecution['status'];
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

export function describe(execution: LocalExecution): ExecutionDescription {
  const outcome = execution.outcome;
  return {
    executionArn: execution.request.executionArn,
    stateMachineArn: execution.machine.arn,
    name: execution.request.name,
    status: execution.status,
    startDate: execution.startDate,
    input: execution.request.input,
    ...(outcome && { stopDate: outcome.stopDate }),
    ...(outcome?.status === 'SUCCEEDED' && { output: outcome.output }),
    ...(outcome?.error !== undefined && { error: outcome.error }),
    ...(outcome?.cause !== undefined && { cause: outcome.cause }),
  };
}

/** DescribeExecution's response (also the core of StartSyncExecution's). */
export function wireDescription(execution: LocalExecution, inputText: string): Body {
  const d = describe(execution);
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    startDate: epochSeconds(d.startDate),
    ...(d.stopDate && { stopDate: epochSeconds(d.stopDate) }),
    input: inputText,
    inputDetails: { included: true },
    ...('output' in d && { output: JSON.stringify(d.output ?? null), outputDetails: { included: true } }),
    ...(d.error !== undefined && { error: d.error }),
    ...(d.cause !== undefined && { cause: d.cause }),
    ...(execution.request.traceHeader && { traceHeader: execution.request.traceHeader }),
    redriveCount: 0,
    redriveStatus: 'NOT_REDRIVABLE',
  };
}
