import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lambdaCommandInvoker } from '../../functions/kernel/graphql/commands.js';
import {
  DEFAULT_SDK_MAX_ATTEMPTS,
  RETRY_MAX_ATTEMPTS_ENV,
  sdkRetryConfig,
} from '../../functions/kernel/sdk-retry.js';
import { handler as startHandler } from '../../lib/constructs/saga/runtime/start.js';
import { eventBridgeEvent, fakeLambdaContext, orderPlacedV2 } from '../helpers/events.js';

/**
 * The SDK's own retry, shown against a real HTTP endpoint (no mocks: a mocked client never retries): a tiny
 * server on 127.0.0.1 answers as Lambda and Step Functions answer a throttle, then succeeds. The clients are the
 * kernel's defaults, pointed at the server by AWS_ENDPOINT_URL.
 */

interface Received {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}
type Answer = { status: number; headers?: Record<string, string>; body: unknown };

let server: Server;
let received: Received[] = [];
let answers: Answer[] = [];
const saved = { ...process.env };

/** Lambda's answer to an Invoke over the function's (or account's) concurrency. */
const LAMBDA_THROTTLE: Answer = {
  status: 429,
  headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
  body: {
    Type: 'User',
    message: 'Rate Exceeded.',
    Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  },
};
/** Step Functions' answer to a StartExecution over its rate (JSON 1.0 protocol: the type in the body). */
const SFN_THROTTLE: Answer = {
  status: 400,
  body: { __type: 'com.amazonaws.swf.service.v2.model#ThrottlingException', message: 'Rate exceeded' },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers });
      const answer = answers.shift() ?? { status: 500, body: { message: 'no answer scripted' } };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});
afterEach(() => {
  received = [];
  answers = [];
  delete process.env[RETRY_MAX_ATTEMPTS_ENV];
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

const attemptHeaders = () => received.map((r) => r.headers['amz-sdk-request']);

describe('sdkRetryConfig', () => {
  it('takes RETRY_MAX_ATTEMPTS as the attempts in all, in standard mode', () => {
    expect(sdkRetryConfig({ RETRY_MAX_ATTEMPTS: '5' })).toEqual({ maxAttempts: 5, retryMode: 'standard' });
    expect(sdkRetryConfig({ RETRY_MAX_ATTEMPTS: ' 10 ' }).maxAttempts).toBe(10);
  });

  it('makes 0 and 1 one attempt, and falls back to the stated default without a whole number', () => {
    expect(sdkRetryConfig({ RETRY_MAX_ATTEMPTS: '0' }).maxAttempts).toBe(1);
    expect(sdkRetryConfig({ RETRY_MAX_ATTEMPTS: '1' }).maxAttempts).toBe(1);
    for (const value of [undefined, '', 'three', '2.5', '-1']) {
      expect(sdkRetryConfig({ RETRY_MAX_ATTEMPTS: value })).toEqual({
        maxAttempts: DEFAULT_SDK_MAX_ATTEMPTS,
        retryMode: 'standard',
      });
    }
    expect(DEFAULT_SDK_MAX_ATTEMPTS).toBe(3);
  });
});

describe("the GraphQL kit's command invoker (Lambda Invoke)", () => {
  const place = () =>
    lambdaCommandInvoker().invoke(
      'arn:aws:lambda:us-east-1:000000000000:function:orders-Commands:live',
      { type: 'PlaceOrder', data: {} },
      { type: 'user', id: 'cust-1' },
      { commandId: 'cmd-1' },
    );

  it('retries a throttled Invoke (429 TooManyRequestsException) and answers with the retry', async () => {
    process.env[RETRY_MAX_ATTEMPTS_ENV] = '3';
    answers = [
      LAMBDA_THROTTLE,
      { status: 200, headers: { 'x-amz-executed-version': '1' }, body: { events: [], result: 'ok' } },
    ];
    await expect(place()).resolves.toEqual({ events: [], result: 'ok' });
    expect(received.map((r) => r.url)).toEqual([
      `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:orders-Commands:live')}/invocations`,
      expect.stringContaining('/invocations'),
    ]);
    // The configured budget reaches the wire on every attempt.
    expect(attemptHeaders()).toEqual(['attempt=1; max=3', 'attempt=2; max=3']);
  });

  it('gives up after RETRY_MAX_ATTEMPTS attempts with the throttle', async () => {
    process.env[RETRY_MAX_ATTEMPTS_ENV] = '2';
    answers = [LAMBDA_THROTTLE, LAMBDA_THROTTLE, LAMBDA_THROTTLE];
    await expect(place()).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(attemptHeaders()).toEqual(['attempt=1; max=2', 'attempt=2; max=2']);
  });

  it('does not retry with RETRY_MAX_ATTEMPTS=1, nor a function error (an answer, not a fault)', async () => {
    process.env[RETRY_MAX_ATTEMPTS_ENV] = '1';
    answers = [LAMBDA_THROTTLE];
    await expect(place()).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(received).toHaveLength(1);

    received = [];
    delete process.env[RETRY_MAX_ATTEMPTS_ENV];
    answers = [
      {
        status: 200,
        headers: { 'x-amz-function-error': 'Unhandled' },
        body: { errorType: 'ValidationError', errorMessage: 'no items' },
      },
    ];
    await expect(place()).rejects.toMatchObject({ name: 'ValidationError', message: 'no items' });
    expect(attemptHeaders()).toEqual(['attempt=1; max=3']);
  });
});

describe("the saga starter's StartExecution", () => {
  it('retries a throttle (ThrottlingException) and starts the saga', async () => {
    process.env[RETRY_MAX_ATTEMPTS_ENV] = '4';
    process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Fulfillment';
    process.env.BUSINESS_KEY_PATH = '$.data.orderId';
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:Fulfillment:order-1';
    answers = [SFN_THROTTLE, SFN_THROTTLE, { status: 200, body: { executionArn, startDate: 1_740_830_400 } }];
    const result = await startHandler(eventBridgeEvent(orderPlacedV2()), fakeLambdaContext());
    expect(result).toEqual({ executionName: 'order-1', started: true, executionArn });
    expect(received.map((r) => r.headers['x-amz-target'])).toEqual(
      Array.from({ length: 3 }, () => 'AWSStepFunctions.StartExecution'),
    );
    expect(attemptHeaders()).toEqual(['attempt=1; max=4', 'attempt=2; max=4', 'attempt=3; max=4']);
  });
});
