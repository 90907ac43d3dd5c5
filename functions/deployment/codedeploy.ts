/**
 * CodeDeploy's PutLifecycleEventHookExecutionStatus, signed with SigV4. Hand-written because
 * `@aws-sdk/client-codedeploy` is not a dependency of this repository (the Lambda runtime ships it, but
 * tests and typecheck could not see it); it is one JSON call, signed as the kernel signs its AppSync calls.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../kernel/graphql/iam-client.js';

export interface HookStatus {
  readonly deploymentId: string;
  readonly lifecycleEventHookExecutionId: string;
  readonly status: 'Succeeded' | 'Failed';
}

export class CodeDeployCallError extends Error {
  override readonly name = 'CodeDeployCallError';
  readonly code = 'CODEDEPLOY_CALL_FAILED';
}

export async function putLifecycleEventHookExecutionStatus(
  input: HookStatus,
  env: Readonly<Record<string, string | undefined>> = process.env,
  send: typeof fetch = fetch,
): Promise<void> {
  const region = env.AWS_REGION ?? 'us-east-1';
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new CodeDeployCallError('no AWS credentials to sign with');
  // AWS_ENDPOINT_URL_CODEDEPLOY / AWS_ENDPOINT_URL as the SDKs honour them (the local cloud sets the latter).
  const endpoint = new URL(
    env.AWS_ENDPOINT_URL_CODEDEPLOY ?? env.AWS_ENDPOINT_URL ?? `https://codedeploy.${region}.amazonaws.com`,
  );
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    service: 'codedeploy',
    region,
    sha256: NodeSha256,
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: '/',
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus',
    },
    body,
  });
  const response = await send(new URL('/', endpoint), {
    method: 'POST',
    headers: signed.headers as Record<string, string>,
    body,
  });
  if (!response.ok) {
    throw new CodeDeployCallError(
      `CodeDeploy answered ${response.status}: ${(await response.text()).slice(0, 500)}`,
    );
  }
}
