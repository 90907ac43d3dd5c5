import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';

/** The circuit breaker table, bulkheads from configuration, and the operations API, in the real app. */
function synth(env: Record<string, string>): Record<string, Template> {
  const app = buildApp(loadConfig(env), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
  const stage = env.STAGE ?? 'dev';
  const wanted = ['Platform', 'Payments', 'Orders', 'Analytics', 'Api'];
  return Object.fromEntries(
    wanted.map((s) => [
      s,
      Template.fromStack(stacks.find((x) => x.stackName === `CommerceForge-${stage}-${s}`)!),
    ]),
  );
}

const functionsOf = (template: Template) => Object.values(template.findResources('AWS::Lambda::Function'));
let dev: Record<string, Template>;
let prod: Record<string, Template>;
beforeAll(() => {
  dev = synth({ STAGE: 'dev', PROJECTOR_MAX_CONCURRENCY: '3' });
  prod = synth({ STAGE: 'prod', RESERVED_CONCURRENCY: 'payments/Commands=40,analytics/Projector=5' });
}, 300_000);

describe('the circuit breaker table', () => {
  it('is one table in the platform stack, keyed by the circuit name', () => {
    dev.Platform!.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('is readable, never writable, by the operations resolver, which gets its name in CIRCUIT_BREAKER_TABLE', () => {
    const api = dev.Api!;
    api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CIRCUIT_BREAKER_TABLE: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'operations',
        }),
      },
    });
    const statements = Object.values(api.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const onBreakers = statements.filter((s) => JSON.stringify(s.Resource).includes('CircuitBreakers'));
    expect(onBreakers.map((s) => s.Action)).toEqual([['dynamodb:GetItem', 'dynamodb:BatchGetItem']]);
  });

  it('makes circuitBreakers a field of the operations source API', () => {
    dev.Api!.hasResourceProperties('AWS::AppSync::Resolver', {
      TypeName: 'Query',
      FieldName: 'circuitBreakers',
    });
    dev.Api!.hasResourceProperties('AWS::AppSync::GraphQLApi', { Name: 'commerceforge-dev-operations' });
  });
});

describe('bulkheads from configuration', () => {
  it('dev reserves no concurrency (the bench must not be throttled); projector queues take PROJECTOR_MAX_CONCURRENCY', () => {
    for (const template of [dev.Payments!, dev.Orders!, dev.Analytics!]) {
      for (const fn of functionsOf(template))
        expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        ScalingConfig: { MaximumConcurrency: 3 },
      });
    }
  });

  it('prod reserves the hot path’s Commands, RESERVED_CONCURRENCY overriding the stage and reaching any function', () => {
    prod.Payments!.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 40,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'payments' }) },
    });
    prod.Orders!.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 100 });
    prod.Analytics!.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5 });
    const reserved = functionsOf(prod.Payments!).filter((f) => f.Properties.ReservedConcurrentExecutions);
    expect(reserved).toHaveLength(1);
    prod.Payments!.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('passes the breaker knobs and the loop guard maximum to every function', () => {
    dev.Payments!.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CIRCUIT_BREAKER_FAILURE_THRESHOLD: '5',
          CIRCUIT_BREAKER_FAILURE_RATE_THRESHOLD: '0.5',
          CIRCUIT_BREAKER_SUCCESS_THRESHOLD: '2',
          CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS: '60',
          MAX_CAUSATION_DEPTH: '16',
        }),
      },
    });
  });
});
