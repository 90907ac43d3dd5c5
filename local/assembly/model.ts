/**
 * The deployed picture of a cloud assembly: every resource of every stack with its physical name, its
 * resolved properties, `Ref`/`Fn::GetAtt` values and the stacks' exports. Everything resolves lazily, so a
 * value only known once something runs (a table's stream ARN) can be filled in with `setAttribute` before
 * the properties that need it are read.
 */
import path from 'node:path';
import { LocalCloudError } from '../core/errors.js';
import type { StackArtifact } from './cloud-assembly.js';
import { IntrinsicResolver } from './intrinsics.js';
import { type PhysicalIdentity, physicalIdentity } from './physical-names.js';
import type { CfnResource } from './template.js';

export interface LocalResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly definition: CfnResource;
  /** The absolute folder of the resource's asset (`Metadata["aws:asset:path"]`), when it has one. */
  readonly assetPath?: string;
}

export interface CloudModelOptions {
  readonly accountId: string;
  readonly region: string;
  /** The local endpoint, e.g. `http://127.0.0.1:4566`. */
  readonly endpoint: string;
  /** Values for template parameters, per stack name. */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** SSM parameters that templates read at deploy time (`AWS::SSM::Parameter::Value<String>`). */
  readonly ssmParameters?: Readonly<Record<string, string>>;
}

/** The bootstrap stack's version parameter every CDK stack checks; any recent bootstrap passes the check. */
const BOOTSTRAP_VERSION = '30';

export class CloudModel {
  private readonly resolvers = new Map<string, IntrinsicResolver>();
  private readonly byKey = new Map<string, LocalResource>();
  private readonly identities = new Map<string, PhysicalIdentity>();
  private readonly resolvedProperties = new Map<string, Record<string, unknown>>();
  private readonly runtimeAttributes = new Map<string, Record<string, unknown>>();
  private readonly resolving = new Set<string>();
  private readonly exportsByName = new Map<string, { stack: StackArtifact; value: unknown }>();
  private readonly allResources: LocalResource[] = [];

  constructor(
    readonly stacks: readonly StackArtifact[],
    private readonly options: CloudModelOptions,
  ) {
    for (const stack of stacks) {
      for (const [logicalId, definition] of Object.entries(stack.template.Resources ?? {})) {
        const assetPath = definition.Metadata?.['aws:asset:path'];
        const resource: LocalResource = {
          stackName: stack.stackName,
          logicalId,
          type: definition.Type,
          definition,
          ...(typeof assetPath === 'string' ? { assetPath: path.resolve(stack.directory, assetPath) } : {}),
        };
        this.byKey.set(key(stack.stackName, logicalId), resource);
        this.allResources.push(resource);
      }
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (output.Export) {
          const name = this.resolver(stack.stackName).resolve(output.Export.Name);
          this.exportsByName.set(String(name), { stack, value: output.Value });
        }
      }
    }
  }

  get accountId(): string {
    return this.options.accountId;
  }

  get region(): string {
    return this.options.region;
  }

  /** The resources CloudFormation would create (a false `Condition` leaves a resource out), by type. */
  resources(type?: string): LocalResource[] {
    return this.allResources.filter(
      (resource) =>
        (type === undefined || resource.type === type) &&
        (resource.definition.Condition === undefined ||
          this.resolver(resource.stackName).condition(resource.definition.Condition)),
    );
  }

  resource(stackName: string, logicalId: string): LocalResource {
    const found = this.byKey.get(key(stackName, logicalId));
    if (!found) {
      throw new LocalCloudError(
        'INTRINSIC_UNRESOLVED',
        `${stackName}: no resource ${logicalId} in the template`,
      );
    }
    return found;
  }

  /** The resource's properties with every intrinsic resolved (cached). */
  properties(resource: LocalResource): Record<string, unknown> {
    const id = key(resource.stackName, resource.logicalId);
    const cached = this.resolvedProperties.get(id);
    if (cached) return cached;
    const resolved = this.guard(id, () =>
      this.resolver(resource.stackName).resolve(resource.definition.Properties ?? {}),
    ) as Record<string, unknown>;
    this.resolvedProperties.set(id, resolved);
    return resolved;
  }

  identity(resource: LocalResource): PhysicalIdentity {
    const id = key(resource.stackName, resource.logicalId);
    const cached = this.identities.get(id);
    if (cached) return cached;
    const resolver = this.resolver(resource.stackName);
    const identity = this.guard(`${id}#name`, () =>
      physicalIdentity({
        stackName: resource.stackName,
        logicalId: resource.logicalId,
        type: resource.type,
        accountId: this.options.accountId,
        region: this.options.region,
        endpoint: this.options.endpoint,
        property: (name) => resolver.resolve(resource.definition.Properties?.[name]),
        functionArn: (nameOrArn) =>
          nameOrArn.startsWith('arn:')
            ? nameOrArn
            : `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${nameOrArn}`,
        versionNumber: () => this.versionNumber(resource),
      }),
    );
    this.identities.set(id, identity);
    return identity;
  }

  attribute(resource: LocalResource, name: string): unknown {
    const runtime = this.runtimeAttributes.get(key(resource.stackName, resource.logicalId))?.[name];
    if (runtime !== undefined) return runtime;
    const value = this.identity(resource).attributes[name];
    if (value !== undefined) return value;
    throw new LocalCloudError(
      'INTRINSIC_UNRESOLVED',
      `${resource.stackName}: ${resource.logicalId}.${name} (${resource.type}) is not known locally` +
        (name === 'StreamArn' ? ' until its table exists' : ''),
    );
  }

  /** Records an attribute only known once the resource runs (e.g. a table's `StreamArn`). */
  setAttribute(resource: LocalResource, name: string, value: unknown): void {
    const id = key(resource.stackName, resource.logicalId);
    this.runtimeAttributes.set(id, { ...this.runtimeAttributes.get(id), [name]: value });
  }

  /** A stack's outputs, resolved (outputs whose condition is false are left out). */
  outputs(stackName: string): Record<string, unknown> {
    const stack = this.stack(stackName);
    const resolver = this.resolver(stackName);
    const out: Record<string, unknown> = {};
    for (const [name, output] of Object.entries(stack.template.Outputs ?? {})) {
      if (output.Condition && !resolver.condition(output.Condition)) continue;
      out[name] = resolver.resolve(output.Value);
    }
    return out;
  }

  resolver(stackName: string): IntrinsicResolver {
    const cached = this.resolvers.get(stackName);
    if (cached) return cached;
    const stack = this.stack(stackName);
    const ssm = this.options.ssmParameters ?? {};
    const resolver = new IntrinsicResolver(stack.template, {
      stackName,
      accountId: this.options.accountId,
      region: this.options.region,
      parameters: this.options.parameters?.[stackName] ?? {},
      ref: (logicalId) => this.identity(this.resource(stackName, logicalId)).ref,
      getAtt: (logicalId, attribute) => this.attribute(this.resource(stackName, logicalId), attribute),
      importValue: (name) => {
        const found = this.exportsByName.get(name);
        if (!found)
          throw new LocalCloudError('INTRINSIC_UNRESOLVED', `${stackName}: no stack exports ${name}`);
        return this.resolver(found.stack.stackName).resolve(found.value);
      },
      ssmParameter: (name) => ssm[name] ?? this.ssmFromTemplates(name) ?? builtInSsm(name),
    });
    this.resolvers.set(stackName, resolver);
    return resolver;
  }

  private stack(stackName: string): StackArtifact {
    const stack = this.stacks.find((candidate) => candidate.stackName === stackName);
    if (!stack) throw new LocalCloudError('ASSEMBLY_INVALID', `no stack named ${stackName} in the assembly`);
    return stack;
  }

  /** An SSM parameter that a stack of the assembly itself creates (service discovery through SSM). */
  private ssmFromTemplates(name: string): string | undefined {
    for (const resource of this.resources('AWS::SSM::Parameter')) {
      if (this.identity(resource).name === name) return String(this.properties(resource).Value);
    }
    return undefined;
  }

  private versionNumber(resource: LocalResource): number {
    const resolver = this.resolver(resource.stackName);
    const target = JSON.stringify(resolver.resolve(resource.definition.Properties?.FunctionName));
    const siblings = this.allResources.filter(
      (other) =>
        other.stackName === resource.stackName &&
        other.type === 'AWS::Lambda::Version' &&
        JSON.stringify(resolver.resolve(other.definition.Properties?.FunctionName)) === target,
    );
    return siblings.indexOf(resource) + 1;
  }

  private guard<T>(id: string, work: () => T): T {
    if (this.resolving.has(id)) {
      throw new LocalCloudError('INTRINSIC_UNRESOLVED', `circular reference while resolving ${id}`);
    }
    this.resolving.add(id);
    try {
      return work();
    } finally {
      this.resolving.delete(id);
    }
  }
}

function key(stackName: string, logicalId: string): string {
  return `${stackName}/${logicalId}`;
}

/** What a public parameter AWS publishes (`/aws/service/...`) resolves to locally: this prefix and its name. */
export const PUBLIC_SSM_PLACEHOLDER = 'local-ssm:';

function builtInSsm(name: string): string | undefined {
  if (/^\/cdk-bootstrap\/[^/]+\/version$/.test(name)) return BOOTSTRAP_VERSION;
  // Public parameters AWS publishes (layer ARNs, AMI ids) have no local meaning: a recognisable placeholder.
  if (name.startsWith('/aws/service/')) return `${PUBLIC_SSM_PLACEHOLDER}${name}`;
  return undefined;
}
