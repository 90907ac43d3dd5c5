/**
 * Reads a cloud assembly (the folder `cdk synth` writes) as the CDK CLI does: manifest.json lists the
 * stacks, each with its template file; nested assemblies (CDK stages) are read recursively.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LocalCloudError } from '../core/errors.js';
import type { CfnTemplate } from './template.js';

export interface StackArtifact {
  /** The artifact id in the manifest. */
  readonly id: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The folder that holds the template and the assets it points at (`aws:asset:path` is relative to it). */
  readonly directory: string;
  readonly template: CfnTemplate;
  /** Artifact ids this stack depends on (other stacks and asset manifests). */
  readonly dependencies: readonly string[];
}

interface ManifestArtifact {
  readonly type: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
  };
  readonly dependencies?: string[];
  readonly displayName?: string;
}

export function readCloudAssembly(directory: string): StackArtifact[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new LocalCloudError(
      'ASSEMBLY_NOT_FOUND',
      `no cloud assembly at ${directory} (manifest.json missing): run \`npx cdk synth\` first`,
    );
  }
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (cause) {
    throw new LocalCloudError('ASSEMBLY_INVALID', `cannot read ${manifestFile}`, { cause });
  }
  const stacks: StackArtifact[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const templateFile = path.join(directory, artifact.properties.templateFile);
      stacks.push({
        id,
        stackName: artifact.properties.stackName ?? id,
        directory,
        template: JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate,
        dependencies: artifact.dependencies ?? [],
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readCloudAssembly(path.join(directory, artifact.properties.directoryName)));
    }
  }
  return orderByDependencies(stacks);
}

/** Dependencies first, as CloudFormation deploys them (exports exist before their imports). */
function orderByDependencies(stacks: StackArtifact[]): StackArtifact[] {
  const byId = new Map(stacks.map((stack) => [stack.id, stack]));
  const ordered: StackArtifact[] = [];
  const seen = new Set<string>();
  const visit = (stack: StackArtifact) => {
    if (seen.has(stack.id)) return;
    seen.add(stack.id);
    for (const dependency of stack.dependencies) {
      const other = byId.get(dependency);
      if (other) visit(other);
    }
    ordered.push(stack);
  };
  for (const stack of stacks) visit(stack);
  return ordered;
}
