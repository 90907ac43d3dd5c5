/**
 * What a new cloud assembly changes against what runs: the functions whose code changed (their bundle's
 * `aws:asset:path`, named by CDK after the bundle's hash, or one of their layers'), which watch mode deploys
 * as new versions; and every other change (a table, a rule, a state machine definition, a function's
 * configuration, a resource added or removed), which only a restart applies. Pure: templates in, lists out.
 */
import path from 'node:path';
import type { StackArtifact } from '../assembly/cloud-assembly.js';
import type { CfnResource } from '../assembly/template.js';
import { codeOf, type FunctionCode, type LocalFunction } from '../lambda/functions.js';
import { publicLayerDirOfEntry } from '../lambda/runtime-modules.js';

export interface CodeChange {
  readonly fn: LocalFunction;
  /** The new code, in the new assembly's folder. */
  readonly code: FunctionCode;
  /** The function's stack in the new assembly (its template names the deployment group). */
  readonly stack: StackArtifact;
}

export interface RestartReason {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly change: 'added' | 'removed' | 'changed';
}

/** The running functions whose `$LATEST` code differs from the new assembly's. */
export function codeChanges(
  functions: readonly LocalFunction[],
  stacks: readonly StackArtifact[],
): CodeChange[] {
  const changes: CodeChange[] = [];
  for (const fn of functions) {
    const stack = stacks.find((candidate) => candidate.stackName === fn.stackName);
    const resources = stack?.template.Resources ?? {};
    const resource = resources[fn.logicalId];
    if (!stack || resource?.Type !== 'AWS::Lambda::Function') continue;
    const assetDir = assetDirOf(stack, resource);
    if (!assetDir) continue;
    const layers = Array.isArray(resource.Properties?.Layers) ? resource.Properties.Layers : [];
    const layerDirs = layers
      .map((layer) => {
        const ref = (layer as { Ref?: unknown } | null)?.Ref;
        const layerResource = typeof ref === 'string' ? resources[ref] : undefined;
        // A layer the app builds, else a public one (by its ARN, or the public parameter that names it).
        return layerResource
          ? assetDirOf(stack, layerResource)
          : publicLayerDirOfEntry(layer, stack.template.Parameters);
      })
      .filter((dir): dir is string => dir !== undefined);
    const code: FunctionCode = { assetDir, layerDirs };
    if (codeKey(code) !== codeKey(codeOf(fn))) changes.push({ fn, code, stack });
  }
  return changes;
}

/** Same bundles, same code: CDK names an asset folder after its content's hash. */
export function codeKey(code: FunctionCode): string {
  return [code.assetDir, ...(code.layerDirs ?? [])].map((dir) => path.basename(dir)).join('|');
}

/**
 * The changes a new code version does not carry. Publishing a version renames its `AWS::Lambda::Version`
 * (CDK's `currentVersion` is named after the code's hash) and moves what refers to it (aliases, a hook's
 * target): those, a function's `Code`, a layer's `Content`, metadata and `AWS::CDK::Metadata` are not changes.
 */
export function changesNeedingRestart(
  before: readonly StackArtifact[],
  after: readonly StackArtifact[],
): RestartReason[] {
  const normalize = versionNormalizer([...before, ...after]);
  const reasons: RestartReason[] = [];
  const stackNames = new Set([...before, ...after].map((stack) => stack.stackName));
  for (const stackName of stackNames) {
    const old = comparable(
      before.find((stack) => stack.stackName === stackName),
      normalize,
    );
    const now = comparable(
      after.find((stack) => stack.stackName === stackName),
      normalize,
    );
    for (const [logicalId, resource] of now) {
      const previous = old.get(logicalId);
      if (!previous) reasons.push({ stackName, logicalId, type: resource.type, change: 'added' });
      else if (previous.json !== resource.json)
        reasons.push({ stackName, logicalId, type: resource.type, change: 'changed' });
    }
    for (const [logicalId, resource] of old) {
      if (!now.has(logicalId)) reasons.push({ stackName, logicalId, type: resource.type, change: 'removed' });
    }
  }
  return reasons;
}

function assetDirOf(stack: StackArtifact, resource: CfnResource): string | undefined {
  const asset = resource.Metadata?.['aws:asset:path'];
  return typeof asset === 'string' ? path.resolve(stack.directory, asset) : undefined;
}

/** Versions are renamed with their code; CodeDeploy's groups and configurations each deployment reads anew. */
const NOT_COMPARED = new Set([
  'AWS::CDK::Metadata',
  'AWS::Lambda::Version',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::CodeDeploy::DeploymentConfig',
]);

function comparable(
  stack: StackArtifact | undefined,
  normalize: (json: string) => string,
): Map<string, { type: string; json: string }> {
  const resources = new Map<string, { type: string; json: string }>();
  for (const [logicalId, resource] of Object.entries(stack?.template.Resources ?? {})) {
    if (NOT_COMPARED.has(resource.Type)) continue;
    const { Code: _code, Content: _content, ...properties } = resource.Properties ?? {};
    const kept =
      resource.Type === 'AWS::Lambda::Function' || resource.Type === 'AWS::Lambda::LayerVersion'
        ? properties
        : (resource.Properties ?? {});
    const json = JSON.stringify({
      Properties: kept,
      Condition: resource.Condition,
      UpdatePolicy: (resource as { UpdatePolicy?: unknown }).UpdatePolicy,
    });
    resources.set(logicalId, { type: resource.Type, json: normalize(json) });
  }
  return resources;
}

/**
 * Replaces each `AWS::Lambda::Version`'s logical id (anywhere: a Ref, a GetAtt, an export's name) with its
 * construct path, which stays the same from one code version to the next.
 */
function versionNormalizer(stacks: readonly StackArtifact[]): (json: string) => string {
  const names = new Map<string, string>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Version') continue;
      const cdkPath = resource.Metadata?.['aws:cdk:path'];
      names.set(
        logicalId,
        `<version ${typeof cdkPath === 'string' ? cdkPath : `of ${JSON.stringify(resource.Properties?.FunctionName)}`}>`,
      );
    }
  }
  if (names.size === 0) return (json) => json;
  const ids = [...names.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ids.map((id) => id.replace(/[^A-Za-z0-9]/g, '\\$&')).join('|'), 'g');
  return (json) => json.replace(pattern, (id) => names.get(id) ?? id);
}
