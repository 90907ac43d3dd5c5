import { randomUUID } from 'node:crypto';
import type { LambdaInvokeResult, LambdaInvoker } from '../core/aws-service.js';
import { StatesError, UnsupportedResourceError } from './errors.js';

/**
 * Task resources: the Lambda and service integrations the definitions use, with AWS's response shapes and AWS's
 * error names, so Retry/Catch/ResultSelector written against AWS behave the same here.
 */

export type DynamoDbOperation = 'PutItem' | 'UpdateItem' | 'GetItem' | 'DeleteItem';

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  /** A JSON string (the engine serialises an object `Detail` as Step Functions does). */
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string;
  TraceHeader?: string;
}

export interface PutEventsResult {
  Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
  FailedEntryCount: number;
}

export interface SqsSendMessageParams {
  QueueUrl: string;
  /** A string (the engine serialises an object body as Step Functions does). */
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, unknown>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

export interface SqsSendMessageResult {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  SequenceNumber?: string;
}

/**
 * The services a Task can call, wired by the local cloud's core to its EventBridge, DynamoDB and SQS. A failure is
 * thrown as an `AwsError` (its `code` is the AWS error code, e.g. `ConditionalCheckFailedException`) or any Error
 * whose `name` is that code (what the AWS SDK throws); the engine turns it into `DynamoDB.<code>` and so on.
 */
/** Who a task acts as: the state machine's role (service integrations run with it). */
export interface TaskCaller {
  readonly roleArn?: string;
}

export interface StepFunctionsIntegrations {
  putEvents(params: { Entries: PutEventsEntry[] }, caller: TaskCaller): Promise<PutEventsResult>;
  /** `params` are DynamoDB's own API parameters (typed attribute values), as the Task's `Parameters` give them. */
  dynamodb(operation: DynamoDbOperation, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  sqsSendMessage(params: SqsSendMessageParams): Promise<SqsSendMessageResult>;
}

export type TaskTarget =
  | { readonly kind: 'lambda-function'; readonly functionArn: string }
  | { readonly kind: 'lambda-invoke' }
  | { readonly kind: 'putEvents' }
  | { readonly kind: 'dynamodb'; readonly operation: DynamoDbOperation }
  | { readonly kind: 'sqsSendMessage' }
  | { readonly kind: 'unsupported'; readonly detail: string };

const SERVICE_ARN = /^arn:[^:]+:states:::([a-z0-9-]+):([A-Za-z]+)(\.sync(?::2)?|\.waitForTaskToken)?$/;
const LAMBDA_ARN = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/;
const DYNAMODB_OPERATIONS: Record<string, DynamoDbOperation> = {
  putItem: 'PutItem',
  updateItem: 'UpdateItem',
  getItem: 'GetItem',
  deleteItem: 'DeleteItem',
};

export function resolveTarget(resource: string): TaskTarget {
  if (LAMBDA_ARN.test(resource)) return { kind: 'lambda-function', functionArn: resource };
  const match = SERVICE_ARN.exec(resource);
  if (!match) return { kind: 'unsupported', detail: 'not a Lambda function or service integration ARN' };
  const [, service, action, suffix] = match;
  if (suffix)
    return { kind: 'unsupported', detail: `the ${suffix.slice(1)} integration pattern is not implemented` };
  if (service === 'lambda' && action === 'invoke') return { kind: 'lambda-invoke' };
  if (service === 'events' && action === 'putEvents') return { kind: 'putEvents' };
  if (service === 'sqs' && action === 'sendMessage') return { kind: 'sqsSendMessage' };
  const operation = service === 'dynamodb' && action ? DYNAMODB_OPERATIONS[action] : undefined;
  if (operation) return { kind: 'dynamodb', operation };
  return { kind: 'unsupported', detail: `${service}:${action} is not implemented` };
}

/** `resourceType`/`resource` of the `Task*` history events (e.g. `lambda`/`invoke`). */
export function historyResource(resource: string): { resourceType: string; resource: string } {
  const match = SERVICE_ARN.exec(resource);
  if (!match) return { resourceType: 'unknown', resource };
  return { resourceType: match[1] ?? 'unknown', resource: `${match[2]}${match[3] ?? ''}` };
}

export interface TaskDeps {
  readonly lambda: LambdaInvoker;
  readonly integrations?: Partial<StepFunctionsIntegrations>;
  readonly traceHeader?: string;
  /** The state machine's role, which its service integrations act as. */
  readonly roleArn?: string;
}

export async function runTask(
  stateName: string,
  resource: string,
  input: unknown,
  deps: TaskDeps,
): Promise<unknown> {
  const target = resolveTarget(resource);
  switch (target.kind) {
    case 'lambda-function':
      return (await invokeLambda(target.functionArn, input, deps)).payload;
    case 'lambda-invoke':
      return lambdaInvokeResponse(await invokeFromParameters(input, deps));
    case 'putEvents':
      return putEvents(stateName, resource, asObject(input), deps);
    case 'dynamodb': {
      const dynamodb = requireIntegration(deps, 'dynamodb', stateName, resource);
      const result = await callService('DynamoDB', 'AmazonDynamoDBv2', () =>
        dynamodb(target.operation, asObject(input)),
      );
      return { ...result, ...sdkMetadata() };
    }
    case 'sqsSendMessage': {
      const send = requireIntegration(deps, 'sqsSendMessage', stateName, resource);
      const params = asObject(input);
      const body = params.MessageBody;
      const message = { ...params, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) };
      const result = await callService('SQS', 'AmazonSQS', () =>
        send(message as unknown as SqsSendMessageParams),
      );
      return { ...result, ...sdkMetadata() };
    }
    case 'unsupported':
      throw new UnsupportedResourceError(stateName, resource, target.detail);
    default: {
      const exhaustive: never = target;
      return exhaustive;
    }
  }
}

async function invokeFromParameters(input: unknown, deps: TaskDeps): Promise<LambdaInvokeResult> {
  const params = asObject(input);
  const functionName = params.FunctionName;
  if (typeof functionName !== 'string') {
    throw new StatesError('States.Runtime', 'lambda:invoke needs a FunctionName parameter', {
      catchable: false,
    });
  }
  const qualified =
    typeof params.Qualifier === 'string' ? `${functionName}:${params.Qualifier}` : functionName;
  const invocationType = params.InvocationType === 'Event' ? 'Event' : 'RequestResponse';
  return invokeLambda(qualified, params.Payload ?? {}, deps, invocationType);
}

async function invokeLambda(
  functionName: string,
  payload: unknown,
  deps: TaskDeps,
  invocationType: 'RequestResponse' | 'Event' = 'RequestResponse',
): Promise<LambdaInvokeResult> {
  const result = await callService('Lambda', 'AWSLambda', () =>
    deps.lambda.invoke(functionName, payload, {
      invocationType,
      ...(deps.traceHeader !== undefined && { traceHeader: deps.traceHeader }),
    }),
  );
  if (result.functionError) throw lambdaFunctionError(result.payload);
  return result;
}

/** Error types of a function that never returned: AWS reports them all as `Lambda.Unknown`. */
const UNKNOWN_ERROR_TYPES = new Set([
  'Sandbox.Timedout',
  'Runtime.OutOfMemory',
  'Runtime.ExitError',
  'ERR_WORKER_OUT_OF_MEMORY',
]);

/**
 * A function error as Step Functions reports it: the error is Lambda's `errorType` and the cause the JSON Lambda
 * returned. Timeouts and crashes (no usable errorType) become `Lambda.Unknown`, as AWS documents.
 */
export function lambdaFunctionError(payload: unknown): StatesError {
  const body = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  const errorType = typeof body.errorType === 'string' ? body.errorType : undefined;
  const message = typeof body.errorMessage === 'string' ? body.errorMessage : '';
  if (!errorType || UNKNOWN_ERROR_TYPES.has(errorType) || /Task timed out after/.test(message)) {
    return new StatesError(
      'Lambda.Unknown',
      `The cause could not be determined because Lambda did not return an error type. Returned payload: ${JSON.stringify(payload)}`,
    );
  }
  return new StatesError(errorType, JSON.stringify(payload));
}

function lambdaInvokeResponse(result: LambdaInvokeResult): unknown {
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': result.executedVersion,
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: result.executedVersion,
    Payload: result.payload ?? null,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: result.statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: result.statusCode,
  };
}

async function putEvents(
  stateName: string,
  resource: string,
  params: Record<string, unknown>,
  deps: TaskDeps,
) {
  const put = requireIntegration(deps, 'putEvents', stateName, resource);
  const entries = Array.isArray(params.Entries) ? (params.Entries as Array<Record<string, unknown>>) : [];
  // Step Functions accepts `Detail` as a JSON object and serialises it for EventBridge.
  const serialised = entries.map((entry) =>
    entry.Detail === undefined || typeof entry.Detail === 'string'
      ? entry
      : { ...entry, Detail: JSON.stringify(entry.Detail) },
  ) as PutEventsEntry[];
  const result = await callService('EventBridge', 'EventBridge', () =>
    put({ Entries: serialised }, deps.roleArn === undefined ? {} : { roleArn: deps.roleArn }),
  );
  if (result.FailedEntryCount > 0) {
    throw new StatesError('EventBridge.FailedEntry', JSON.stringify(result));
  }
  return { Entries: result.Entries, FailedEntryCount: result.FailedEntryCount };
}

function requireIntegration<K extends keyof StepFunctionsIntegrations>(
  deps: TaskDeps,
  name: K,
  stateName: string,
  resource: string,
): StepFunctionsIntegrations[K] {
  const integration = deps.integrations?.[name];
  if (!integration)
    throw new UnsupportedResourceError(stateName, resource, `no '${name}' integration is wired`);
  return integration;
}

/** Runs a service call and names its failure as Step Functions does: `<Service>.<ErrorCode>`. */
async function callService<T>(prefix: string, serviceLabel: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof StatesError) throw error;
    const err = error as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      statusCode?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    const awsCode = (error as { awsCode?: unknown }).awsCode;
    const code =
      typeof awsCode === 'string'
        ? awsCode
        : typeof err.code === 'string'
          ? err.code
          : typeof err.name === 'string' && err.name !== 'Error'
            ? err.name
            : 'AmazonServiceException';
    const status =
      typeof err.statusCode === 'number' ? err.statusCode : (err.$metadata?.httpStatusCode ?? 400);
    const message = typeof err.message === 'string' ? err.message : String(error);
    throw new StatesError(
      `${prefix}.${code}`,
      `${message} (Service: ${serviceLabel}; Status Code: ${status}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`,
    );
  }
}

function sdkMetadata() {
  const requestId = randomUUID();
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: { 'x-amzn-RequestId': [requestId], 'Content-Type': ['application/x-amz-json-1.0'] },
      HttpHeaders: { 'x-amzn-RequestId': requestId, 'Content-Type': 'application/x-amz-json-1.0' },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

function asObject(input: unknown): Record<string, unknown> {
  return input && typeof input === 'object' && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : {};
}
