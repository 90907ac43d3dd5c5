import { Aws, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { ServiceFunction } from '../service-function.js';

/** The tag experiment templates select functions by; its value names the participant (`payments`, ...). */
export const CHAOS_TAG = 'commerceforge:chaos';
/** Where FIS writes, and the extension reads, the fault configuration in the chaos bucket. */
export const FIS_CONFIG_PREFIX = 'FisConfigs/';
/** The FIS extension's wrapper script: the runtime starts it, and it the handler (Lambda's exec wrapper). */
export const FIS_EXEC_WRAPPER = '/opt/aws-fis/bootstrap';
export const FIS_ENVIRONMENT = {
  execWrapper: 'AWS_LAMBDA_EXEC_WRAPPER',
  configurationLocation: 'AWS_FIS_CONFIGURATION_LOCATION',
} as const;

/** The public SSM parameter holding the FIS extension layer's ARN for an architecture (1.x.x: newest 1.x). */
export function fisExtensionParameter(architecture: lambda.Architecture): string {
  return `/aws/service/fis/lambda-extension/AWS-FIS-extension-${architecture.name}/1.x.x`;
}

/**
 * The chaos configuration bucket's name, the same in every stack with no cross-stack reference (account and
 * region are each stack's own pseudo parameters): a function's stack never depends on the chaos stack, which
 * reads the observability stack, which reads the services.
 */
export function chaosBucketName(stage: string): string {
  return bucketName(stage, Aws.ACCOUNT_ID, Aws.REGION);
}

/** The same name as cdk-nag prints it in a finding's id (pseudo parameters as `<AWS::Name>`). */
function nagBucketName(stage: string): string {
  return bucketName(stage, '<AWS::AccountId>', '<AWS::Region>');
}

function bucketName(stage: string, account: string, region: string): string {
  return `commerceforge-${stage}-chaos-${account}-${region}`;
}

export interface FaultInjectionOptions {
  /** The stage: the chaos configuration bucket is `chaosBucketName(stage)`. */
  readonly stage: string;
  /** The value of the chaos tag: which catalogue targets select the function. */
  readonly participant: string;
}

/**
 * Lets AWS FIS inject faults into a function: the FIS extension layer (its ARN from the public SSM parameter
 * for the function's architecture, resolved at deploy time: a lookup would fail offline), the wrapper, where
 * the fault configuration is, read rights on it, and the chaos tag. Applied only when chaos is enabled.
 *
 * Locally the layer has no asset, so the local cloud leaves it out, and nothing there runs the wrapper.
 */
export function enableFaultInjection(fn: ServiceFunction, options: FaultInjectionOptions): void {
  const stack = Stack.of(fn);
  const handler = fn.function;
  // One CloudFormation parameter per stack and architecture, however many functions take part.
  const layerArn = ssm.StringParameter.valueForStringParameter(
    stack,
    fisExtensionParameter(handler.architecture),
  );
  handler.addLayers(lambda.LayerVersion.fromLayerVersionArn(fn, 'FisExtension', layerArn));
  const bucketArn = `arn:${Aws.PARTITION}:s3:::${chaosBucketName(options.stage)}`;
  handler.addEnvironment(FIS_ENVIRONMENT.execWrapper, FIS_EXEC_WRAPPER);
  handler.addEnvironment(FIS_ENVIRONMENT.configurationLocation, `${bucketArn}/${FIS_CONFIG_PREFIX}`);
  handler.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${FIS_CONFIG_PREFIX}*`] } },
    }),
  );
  handler.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [`${bucketArn}/${FIS_CONFIG_PREFIX}*`],
    }),
  );
  Tags.of(handler).add(CHAOS_TAG, options.participant);
  Validations.of(handler).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${nagBucketName(options.stage)}/${FIS_CONFIG_PREFIX}*]`,
    reason:
      'The FIS extension reads the fault configuration FIS writes under FisConfigs/ (object keys unknown before an experiment); nothing else in the bucket.',
  });
}
