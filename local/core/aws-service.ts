/**
 * The seam between the local cloud's one HTTP endpoint and the AWS services it emulates.
 *
 * The endpoint routes a JSON-protocol request by its `X-Amz-Target` header (`<prefix>.<Operation>`) to the
 * service whose `targetPrefix` matches, and turns an `AwsError` into AWS's error response
 * (`{"__type": code, "message": ...}` with the status code). Anything else thrown becomes a 500
 * `InternalFailure`: a bad request never takes the process down.
 */
export interface AwsJsonService {
  /** e.g. `DynamoDB_20120810`, `AWSEvents`, `AWSStepFunctions`, `AmazonSQS`. */
  readonly targetPrefix: string;
  /** The signing name (credential scope) of the service, e.g. `events`. */
  readonly signingName: string;
  handle(operation: string, body: unknown, request: AwsRequestContext): Promise<unknown>;
}

export interface AwsRequestContext {
  readonly region: string;
  readonly accountId: string;
  /** The `X-Amzn-Trace-Id` header of the request, when the caller is traced. */
  readonly traceHeader?: string;
  /** The access key id the request was signed with (SigV4 `Credential=<key>/...`): who is calling. */
  readonly accessKeyId?: string;
}

/** An error in AWS's shape: `code` is the `__type` AWS returns (e.g. `ValidationException`). */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/** Invokes a local Lambda function; the shape of Lambda's Invoke response. */
export interface LambdaInvoker {
  invoke(
    functionNameOrArn: string,
    payload: unknown,
    options?: { invocationType?: 'RequestResponse' | 'Event'; traceHeader?: string },
  ): Promise<LambdaInvokeResult>;
}

export interface LambdaInvokeResult {
  readonly statusCode: number;
  /** The function's result (parsed JSON), or Lambda's error object `{errorType, errorMessage, trace}`. */
  readonly payload: unknown;
  /** `Unhandled` when the function threw, timed out or ran out of memory. */
  readonly functionError?: 'Unhandled' | 'Handled';
  readonly executedVersion: string;
}

/** The local account and region every ARN of the local cloud uses. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
