/**
 * The functions of the cloud assembly as Lambda sees them: name, ARN, handler, bundled asset, resolved
 * environment, memory, timeout, reserved concurrency, versions and aliases. A function the local cloud
 * cannot run (no bundled asset, not a Node.js runtime) is returned with the reason, so start-up can say so.
 */
import type { CloudModel, LocalResource } from '../assembly/model.js';
import { publicLayerDir } from './runtime-modules.js';

export interface LocalFunction {
  readonly name: string;
  readonly arn: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly runtime: string;
  readonly handler: string;
  /** `$LATEST`'s bundled code; watch mode replaces it (`updateFunctionCode`), PublishVersion freezes it. */
  assetDir: string;
  /**
   * The asset folders of the function's layers (AWS::Lambda::LayerVersion from an asset), in the template's
   * order; Lambda merges them into /opt, a later layer's files over an earlier one's. A public layer the local
   * cloud stands in for (Powertools, from the project's install: runtime-modules.ts) has its stand-in's folder;
   * another public layer (the FIS extension's) has no local files and is left out.
   */
  layerDirs?: readonly string[];
  readonly memoryMb: number;
  /** The execution role (`Role`): whom the function's AWS calls act as. */
  readonly roleArn?: string;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
  /** `Active` tracing samples every invocation. */
  readonly tracing: 'Active' | 'PassThrough';
  /** The template's environment variables, resolved. */
  readonly environment: Readonly<Record<string, string>>;
  /** Published version numbers. */
  readonly versions: Set<string>;
  /** The code each published version froze (a version without an entry runs `$LATEST`'s). */
  readonly versionCode: Map<string, FunctionCode>;
  /** Alias name → version (the primary one, when the alias routes to two). */
  readonly aliases: Map<string, string>;
  /** Alias name → its additional version's weight (`RoutingConfig.AdditionalVersionWeights`), when set. */
  readonly aliasRouting: Map<string, Readonly<Record<string, number>>>;
  readonly aliasDescriptions: Map<string, string>;
  readonly versionDescriptions: Map<string, string>;
  /** Asynchronous invocation settings per qualifier (`$LATEST` for the unqualified function). */
  readonly asyncConfigs: Map<string, AsyncInvokeConfig>;
}

/** What a version runs: its bundle and its layers' bundles. */
export interface FunctionCode {
  readonly assetDir: string;
  readonly layerDirs?: readonly string[];
}

/** AWS::Lambda::EventInvokeConfig: what happens to an asynchronous invocation that fails. */
export interface AsyncInvokeConfig {
  /** Retries after a function error. @default 2 */
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  /** ARN of the on-failure destination (SQS queue, SNS topic, Lambda function or EventBridge bus). */
  readonly onFailure?: string;
  readonly onSuccess?: string;
}

export interface NotRunnable {
  readonly resource: LocalResource;
  readonly reason: string;
}

export function readFunctions(model: CloudModel): { functions: LocalFunction[]; notRunnable: NotRunnable[] } {
  const functions: LocalFunction[] = [];
  const notRunnable: NotRunnable[] = [];
  // A layer is named in a function's Layers by its Ref (the version ARN): its asset folder by either.
  const layerAssets = new Map<string, string>();
  for (const layer of model.resources('AWS::Lambda::LayerVersion')) {
    if (!layer.assetPath) continue;
    const identity = model.identity(layer);
    layerAssets.set(identity.ref, layer.assetPath);
    layerAssets.set(identity.arn, layer.assetPath);
  }
  for (const resource of model.resources('AWS::Lambda::Function')) {
    let props: Record<string, unknown>;
    try {
      props = model.properties(resource);
    } catch (error) {
      // One function whose template does not resolve locally must not keep the others from running.
      notRunnable.push({ resource, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const runtime = String(props.Runtime ?? '');
    if (!runtime.startsWith('nodejs')) {
      notRunnable.push({ resource, reason: `runtime ${runtime || 'container image'}` });
      continue;
    }
    if (!resource.assetPath) {
      notRunnable.push({ resource, reason: 'no bundled asset (inline code)' });
      continue;
    }
    const identity = model.identity(resource);
    const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {}) as Record<string, unknown>;
    const reserved = props.ReservedConcurrentExecutions;
    functions.push({
      name: identity.name,
      arn: identity.arn,
      stackName: resource.stackName,
      logicalId: resource.logicalId,
      runtime,
      handler: String(props.Handler ?? 'index.handler'),
      assetDir: resource.assetPath,
      layerDirs: (Array.isArray(props.Layers) ? props.Layers : [])
        .map((layer) => layerAssets.get(String(layer)) ?? publicLayerDir(String(layer)))
        .filter((dir): dir is string => dir !== undefined),
      memoryMb: Number(props.MemorySize ?? 128),
      ...(typeof props.Role === 'string' ? { roleArn: props.Role } : {}),
      timeoutSeconds: Number(props.Timeout ?? 3),
      ...(reserved !== undefined ? { reservedConcurrency: Number(reserved) } : {}),
      tracing:
        (props.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active' ? 'Active' : 'PassThrough',
      environment: Object.fromEntries(
        Object.entries(variables)
          .filter(([, value]) => value !== undefined && value !== null)
          .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
      ),
      versions: new Set(),
      versionCode: new Map(),
      aliases: new Map(),
      aliasRouting: new Map(),
      aliasDescriptions: new Map(),
      versionDescriptions: new Map(),
      asyncConfigs: new Map(),
    });
  }
  const byArn = new Map(functions.map((fn) => [fn.arn, fn]));
  const owner = (nameOrArn: unknown) => {
    const text = String(nameOrArn);
    return functions.find((fn) => fn.name === text) ?? byArn.get(text);
  };
  for (const resource of model.resources('AWS::Lambda::Version')) {
    const props = model.properties(resource);
    const fn = owner(props.FunctionName);
    const version = model.identity(resource).name;
    fn?.versions.add(version);
    if (fn) fn.versionCode.set(version, codeOf(fn));
    if (typeof props.Description === 'string') fn?.versionDescriptions.set(version, props.Description);
  }
  for (const resource of model.resources('AWS::Lambda::Alias')) {
    const props = model.properties(resource);
    const fn = owner(props.FunctionName);
    const name = String(props.Name);
    fn?.aliases.set(name, String(props.FunctionVersion));
    if (typeof props.Description === 'string') fn?.aliasDescriptions.set(name, props.Description);
    const weights = (
      props.RoutingConfig as
        | { AdditionalVersionWeights?: { FunctionVersion?: unknown; FunctionWeight?: unknown }[] }
        | undefined
    )?.AdditionalVersionWeights;
    if (fn && weights?.length) {
      fn.aliasRouting.set(
        name,
        Object.fromEntries(weights.map((w) => [String(w.FunctionVersion), Number(w.FunctionWeight)])),
      );
    }
  }
  for (const resource of model.resources('AWS::Lambda::EventInvokeConfig')) {
    const props = model.properties(resource);
    const destinations = props.DestinationConfig as
      | { OnFailure?: { Destination?: unknown }; OnSuccess?: { Destination?: unknown } }
      | undefined;
    owner(props.FunctionName)?.asyncConfigs.set(String(props.Qualifier ?? '$LATEST'), {
      maximumRetryAttempts: Number(props.MaximumRetryAttempts ?? 2),
      maximumEventAgeSeconds: Number(props.MaximumEventAgeInSeconds ?? 21_600),
      ...(destinations?.OnFailure?.Destination
        ? { onFailure: String(destinations.OnFailure.Destination) }
        : {}),
      ...(destinations?.OnSuccess?.Destination
        ? { onSuccess: String(destinations.OnSuccess.Destination) }
        : {}),
    });
  }
  return { functions, notRunnable };
}

/** The code a version of the function runs (`$LATEST`: the function's current code). */
export function codeOf(fn: LocalFunction, version = '$LATEST'): FunctionCode {
  const frozen = version === '$LATEST' ? undefined : fn.versionCode.get(version);
  return frozen ?? { assetDir: fn.assetDir, ...(fn.layerDirs ? { layerDirs: fn.layerDirs } : {}) };
}

/**
 * Splits what Invoke accepts — a name, `name:qualifier`, a full or partial ARN — into name and qualifier.
 */
export function parseFunctionReference(reference: string): { name: string; qualifier?: string } {
  const parts = reference.split(':');
  let rest: string[];
  if (reference.startsWith('arn:')) rest = parts.slice(6);
  else if (parts[1] === 'function') rest = parts.slice(2);
  else rest = parts;
  const [name = '', qualifier] = rest;
  return qualifier ? { name, qualifier } : { name };
}
