/**
 * CodeDeploy's PutLifecycleEventHookExecutionStatus, signed with SigV4. Hand-written because
 * `@aws-sdk/client-codedeploy` is not a dependency of this repository (the Lambda runtime ships it, but
 * tests and typecheck could not see it); it is one JSON call, signed with the kernel's SigV4 signer (kernel/sigv4.ts).
 */
import { credentialsFromEnvironment, postSigner } from '../kernel/sigv4.js';

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
  const credentials = credentialsFromEnvironment(env);
  if (!credentials) throw new CodeDeployCallError('no AWS credentials to sign with');
  // AWS_ENDPOINT_URL_CODEDEPLOY / AWS_ENDPOINT_URL as the SDKs honour them (the local cloud sets the latter).
  const endpoint = new URL(
    env.AWS_ENDPOINT_URL_CODEDEPLOY ?? env.AWS_ENDPOINT_URL ?? `https://codedeploy.${region}.amazonaws.com`,
  );
  const body = JSON.stringify(input);
  const url = new URL('/', endpoint);
  const headers = await postSigner({ service: 'codedeploy', region, credentials })({
    url,
    body,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus',
    },
  });
  const response = await send(url, { method: 'POST', headers, body });
  if (!response.ok) {
    throw new CodeDeployCallError(
      `CodeDeploy answered ${response.status}: ${(await response.text()).slice(0, 500)}`,
    );
  }
}
