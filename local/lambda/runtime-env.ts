/**
 * The environment variables a function sees, as in Lambda: the template's own, then the runtime's reserved
 * ones (which a template cannot override), pointed at the local cloud: the endpoint, fake credentials, the
 * X-Ray daemon, and the runtime's modules (the AWS SDK v3, from the project's install: runtime-modules.ts).
 */
import path from 'node:path';
import type { LocalFunction } from './functions.js';
import { runtimeModulesDir } from './runtime-modules.js';

export { PROJECT_ROOT } from './runtime-modules.js';

/**
 * The key of a caller the local cloud does not know (the account's root). DynamoDB Local refuses keys with `_`
 * or `-`; the SDK refuses to sign without credentials.
 */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'localaccesskey',
  secretAccessKey: 'localsecretkey',
} as const;

export function runtimeEnvironment(
  fn: LocalFunction,
  context: {
    endpoint: string;
    region: string;
    xrayDaemonAddress: string;
    logStreamName: string;
    /** The functions' own DynamoDB endpoint (off the cloud's main thread); else the one endpoint. */
    dynamoDbEndpoint?: string;
    /** The function's own key (its execution role's, alphanumeric); else the shared local key. */
    accessKeyId?: string | undefined;
  },
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...fn.environment,
    PATH: process.env.PATH,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_PATH: nodePath(fn),
    AWS_ENDPOINT_URL: context.endpoint,
    // The SDK's per-service endpoint: DynamoDB calls go to the data plane's thread (local/dynamodb/data-plane.ts).
    AWS_ENDPOINT_URL_DYNAMODB: context.dynamoDbEndpoint,
    AWS_ACCESS_KEY_ID: context.accessKeyId ?? LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: context.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: fn.assetDir,
    LAMBDA_RUNTIME_DIR: fn.assetDir,
    _HANDLER: fn.handler,
    AWS_XRAY_DAEMON_ADDRESS: context.xrayDaemonAddress,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // The function's runtime is Lambda's Node (22+): the SDK's warning about this machine's Node 20 is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // An undefined value would reach the worker as the string "undefined".
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * Where `require` looks besides the asset, as Lambda's NODE_PATH does (/opt/nodejs/node24/node_modules,
 * /opt/nodejs/node_modules, then the runtime's own modules): each layer's folders, the last layer first (its
 * files win in Lambda's merged /opt), then the runtime's own modules (the AWS SDK), nothing else of the project.
 */
function nodePath(fn: LocalFunction): string {
  return modulePaths(fn.runtime, fn.layerDirs ?? []);
}

/** NODE_PATH for a runtime (`nodejs24.x`) and a function's layer folders, in the template's order. */
export function modulePaths(runtime: string, layerDirs: readonly string[]): string {
  const major = /^nodejs(\d+)/.exec(runtime)?.[1];
  const layers = [...layerDirs]
    .reverse()
    .flatMap((dir) => [
      ...(major ? [path.join(dir, 'nodejs', `node${major}`, 'node_modules')] : []),
      path.join(dir, 'nodejs', 'node_modules'),
    ]);
  return [...layers, runtimeModulesDir()].join(path.delimiter);
}
