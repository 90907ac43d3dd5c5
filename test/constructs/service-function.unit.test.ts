import { fileURLToPath } from 'node:url';
import { PT_VERSION } from '@aws-lambda-powertools/commons';
import { App, type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import {
  CHAOS_TARGET_TAG,
  SERVICE_FUNCTION_BUNDLING,
  ServiceFunction,
} from '../../lib/constructs/service-function.js';

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));

function synth(props: Partial<ConstructorParameters<typeof ServiceFunction>[2]> = {}) {
  // Skipping bundling keeps construct tests to the template (NOTES.md).
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const fn = new ServiceFunction(stack, 'Orders', { service: 'orders', entry, ...props });
  return { template: Template.fromStack(stack), fn, stack };
}

describe('ServiceFunction', () => {
  it('runs on the newest Node.js runtime, on arm64, with active tracing', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 256,
      Timeout: 10,
    });
  });

  it('sets the Powertools environment and source maps', () => {
    const { template } = synth({ logLevel: 'DEBUG', environment: { TABLE_NAME: 'orders' } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'orders',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
          POWERTOOLS_METRICS_NAMESPACE: 'CommerceForge',
          POWERTOOLS_TRACE_DISABLED: 'false',
          NODE_OPTIONS: '--enable-source-maps',
          TABLE_NAME: 'orders',
        }),
      },
    });
  });

  it('takes Powertools from the layer of the installed version, named by its public SSM parameter, once per stack', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Test');
    new ServiceFunction(stack, 'Orders', { service: 'orders', entry });
    new ServiceFunction(stack, 'Payments', { service: 'payments', entry });
    const template = Template.fromStack(stack);
    const parameters = template.findParameters('*', {
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: `/aws/service/powertools/typescript/generic/all/${PT_VERSION}`,
    });
    expect(Object.keys(parameters)).toHaveLength(1);
    const both = template.findResources('AWS::Lambda::Function');
    expect(Object.values(both).map((fn) => fn.Properties.Layers)).toEqual([
      [{ Ref: Object.keys(parameters)[0] }],
      [{ Ref: Object.keys(parameters)[0] }],
    ]);
    expect(SERVICE_FUNCTION_BUNDLING.externalModules).toEqual(
      expect.arrayContaining(['@aws-sdk/*', '@aws-lambda-powertools/*']),
    );
  });

  it('turns tracing off when asked', () => {
    const { template } = synth({ tracing: false });
    template.hasResourceProperties('AWS::Lambda::Function', {
      TracingConfig: Match.absent(),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_TRACE_DISABLED: 'true' }) },
    });
  });

  it('has a live alias on the current version for traffic shifting', () => {
    const { template, fn, stack } = synth();
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: stack.getLogicalId(fn.function.node.defaultChild as CfnElement) },
    });
    template.resourceCountIs('AWS::Lambda::Version', 1);
  });

  it('keeps its logs for the given retention and removal policy', () => {
    const { template } = synth({
      logRetention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });

  it('reserves concurrency as a bulkhead when asked, and not otherwise', () => {
    synth().template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: Match.absent(),
    });
    synth({ reservedConcurrentExecutions: 5, timeout: Duration.seconds(3) }).template.hasResourceProperties(
      'AWS::Lambda::Function',
      { ReservedConcurrentExecutions: 5, Timeout: 3 },
    );
  });

  it('is tagged as a chaos target unless opted out', () => {
    const tagsOf = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function')).flatMap(
        (resource) => resource.Properties.Tags as { Key: string; Value: string }[],
      );
    expect(tagsOf(synth().template)).toContainEqual({ Key: CHAOS_TARGET_TAG, Value: 'true' });
    expect(tagsOf(synth({ chaosTarget: false }).template).map((t) => t.Key)).not.toContain(CHAOS_TARGET_TAG);
  });
});
