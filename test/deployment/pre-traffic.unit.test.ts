import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { putLifecycleEventHookExecutionStatus } from '../../functions/deployment/codedeploy.js';
import { handler, smokeTest } from '../../functions/deployment/pre-traffic.js';
import { fakeLambdaContext } from '../helpers/events.js';

const TARGET = 'arn:aws:lambda:us-east-1:000000000000:function:Orders-Commands:7';
const lambda = mockClient(LambdaClient);
// The SDK's blob type adds helpers the handler does not use.
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;
const config = { SMOKE_TARGET_ARN: TARGET, SMOKE_PAYLOAD: '{}', SMOKE_ACCEPTED_ERRORS: 'ValidationError' };

describe('pre-traffic smoke test', () => {
  beforeEach(() => lambda.reset());

  it('invokes the new version with the harmless request; an accepted refusal passes', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'ValidationError' }),
    });
    const verdict = await smokeTest(config, new LambdaClient({}));
    expect(verdict).toEqual({ ok: true, target: TARGET, errorType: 'ValidationError' });
    const call = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe(TARGET);
    expect(new TextDecoder().decode(call.Payload as Uint8Array)).toBe('{}');
  });

  it('fails a version that cannot load or answers with another error', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'Runtime.ImportModuleError' }),
    });
    expect((await smokeTest(config, new LambdaClient({}))).ok).toBe(false);
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('x') });
    expect(await smokeTest(config, new LambdaClient({}))).toMatchObject({ ok: false, errorType: 'Unknown' });
  });
});

describe('PutLifecycleEventHookExecutionStatus', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  };
  afterEach(() => vi.restoreAllMocks());

  it('sends a SigV4-signed CodeDeploy JSON call', async () => {
    const send = vi.fn(async () => new Response('{}', { status: 200 }));
    await putLifecycleEventHookExecutionStatus(
      { deploymentId: 'd-ABCDEFGHI', lifecycleEventHookExecutionId: 'hook-1', status: 'Succeeded' },
      env,
      send as unknown as typeof fetch,
    );
    const [url, init] = send.mock.calls[0] as unknown as [URL, RequestInit];
    expect(String(url)).toBe('https://codedeploy.eu-west-1.amazonaws.com/');
    const headers = init.headers as Record<string, string>;
    expect(headers['x-amz-target']).toBe('CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/codedeploy\//,
    );
    expect(JSON.parse(String(init.body))).toEqual({
      deploymentId: 'd-ABCDEFGHI',
      lifecycleEventHookExecutionId: 'hook-1',
      status: 'Succeeded',
    });
  });

  it('throws a typed error when CodeDeploy refuses, and without credentials', async () => {
    const refuse = vi.fn(async () => new Response('{"__type":"AccessDenied"}', { status: 400 }));
    const input = {
      deploymentId: 'd-ABCDEFGHI',
      lifecycleEventHookExecutionId: 'h',
      status: 'Failed',
    } as const;
    await expect(putLifecycleEventHookExecutionStatus(input, env, refuse as never)).rejects.toMatchObject({
      name: 'CodeDeployCallError',
    });
    await expect(putLifecycleEventHookExecutionStatus(input, {}, refuse as never)).rejects.toThrow(
      /credentials/,
    );
  });
});

describe('the hook handler', () => {
  it('refuses an event that is not a CodeDeploy hook event', async () => {
    await expect(handler({ DeploymentId: 'nope' }, fakeLambdaContext())).rejects.toThrow();
  });
});
