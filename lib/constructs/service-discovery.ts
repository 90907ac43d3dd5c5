import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { discoveryParameterName } from '../../functions/kernel/discovery-names.js';

export interface ServiceDiscoveryProps {
  /** The stage: the second level of every name. */
  readonly stage: string;
  /** The publishing service: the third level (`/commerceforge/<stage>/<service>/...`). */
  readonly service: string;
}

export interface PublishOptions {
  readonly description?: string;
  /** A regular expression every value (the first, and any later `put-parameter`) must match. */
  readonly allowedPattern?: string;
}

/**
 * What one service publishes for others to discover: an SSM String parameter per fact
 * (`/commerceforge/<stage>/<service>/<name>`), read at run time with Powertools Parameters
 * (functions/kernel/discovery.ts). `grantRead` gives a reader `ssm:GetParameter(s)` on the exact names it
 * reads, nothing under a wildcard.
 */
export class ServiceDiscovery extends Construct {
  public readonly stage: string;
  public readonly service: string;
  /** The published parameters by name (e.g. `commands/function-arn`). */
  public readonly parameters: Record<string, ssm.StringParameter> = {};

  constructor(scope: Construct, id: string, props: ServiceDiscoveryProps) {
    super(scope, id);
    this.stage = props.stage;
    this.service = props.service;
  }

  /** Publishes `value` as `/commerceforge/<stage>/<service>/<name>`. A name is published once. */
  publish(name: string, value: string, options: PublishOptions = {}): ssm.StringParameter {
    if (this.parameters[name]) throw new Error(`${this.service} already publishes ${name}`);
    const parameter = new ssm.StringParameter(this, name.replace(/\//g, '-'), {
      parameterName: discoveryParameterName(this.stage, this.service, name),
      stringValue: value,
      description: options.description ?? `${this.service}: ${name}`,
      ...(options.allowedPattern ? { allowedPattern: options.allowedPattern } : {}),
    });
    this.parameters[name] = parameter;
    return parameter;
  }

  /**
   * Lets `grantee` read the named parameters of `service` (any service's, published or not yet: the names are
   * the contract, so no cross-stack reference is needed).
   */
  static grantRead(
    grantee: iam.IGrantable,
    scope: Construct,
    stage: string,
    service: string,
    names: readonly string[],
  ): iam.Grant {
    const stack = Stack.of(scope);
    const resourceArns = names.map((name) =>
      stack.formatArn({
        service: 'ssm',
        resource: 'parameter',
        // formatArn adds the `/` after `parameter`: the name without its leading slash.
        resourceName: discoveryParameterName(stage, service, name).slice(1),
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter', 'ssm:GetParameters'],
      resourceArns,
    });
  }
}
