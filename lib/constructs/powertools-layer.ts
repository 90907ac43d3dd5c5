import { PT_VERSION } from '@aws-lambda-powertools/commons';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

/** The Powertools for AWS Lambda (TypeScript) version the project installs, and so the layer it deploys. */
export const POWERTOOLS_VERSION = PT_VERSION;

/**
 * The public SSM parameter AWS publishes in every commercial region with the ARN of the Powertools layer of one
 * version (`…/all/<version>`, or `…/all/latest`): see Powertools' "Lambda layers" page, "Lookup Layer ARN via
 * AWS SSM Parameter Store". Resolved by CloudFormation at deploy time, so no account id or region is written here.
 */
export const POWERTOOLS_LAYER_PARAMETER = `/aws/service/powertools/typescript/generic/all/${POWERTOOLS_VERSION}`;

/**
 * The Powertools layer, once per stack. It holds every Powertools package and their dependencies (the X-Ray SDK
 * under Tracer, JMESPath under Idempotency), so bundles leave `@aws-lambda-powertools/*` out: about 130 KB less
 * in every bundle, and one copy per region that Lambda caches instead of one per function. The version is the
 * one the project installs and tests against, never `latest`, so a deploy cannot change it behind the tests.
 */
export function powertoolsLayer(scope: Construct): lambda.ILayerVersion {
  const stack = Stack.of(scope);
  const id = 'PowertoolsLayer';
  const existing = stack.node.tryFindChild(id) as lambda.ILayerVersion | undefined;
  if (existing) return existing;
  return lambda.LayerVersion.fromLayerVersionArn(
    stack,
    id,
    ssm.StringParameter.valueForStringParameter(stack, POWERTOOLS_LAYER_PARAMETER),
  );
}
