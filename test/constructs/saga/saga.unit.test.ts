import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainEventBus } from '../../../lib/constructs/domain-event-bus.js';
import { Saga } from '../../../lib/constructs/saga/index.js';
import {
  COMPENSATION_FAILED_ERROR,
  TRANSIENT_LAMBDA_ERRORS,
} from '../../../lib/constructs/saga/runtime/contract.js';
import { fulfillmentStack, orderFulfillmentSteps, serviceFunctions } from '../../helpers/saga.js';

/** The definition as the template holds it: `Fn::Join` of strings and tokens, joined with placeholders. */
function definitionOf(template: Template): Record<string, unknown> {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts = (machine!.Properties.DefinitionString['Fn::Join'] as [string, unknown[]])[1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}
type States = Record<string, { Retry?: unknown[]; Next?: string; Type: string; [k: string]: unknown }>;

describe('Saga construct', () => {
  let template: Template;
  let built: ReturnType<typeof fulfillmentStack>;
  beforeAll(() => {
    built = fulfillmentStack();
    template = Template.fromStack(built.stack);
  });

  it('passes cdk-nag with the saga started from a DomainEventBus rule in its own stack', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const platform = new Stack(app, 'Platform');
    const bus = new DomainEventBus(platform, 'Events', { registryName: 'r', schemas: [] });
    const orders = new Stack(app, 'Orders');
    const saga = new Saga(orders, 'OrderFulfillment', {
      sagaName: 'OrderFulfillment',
      steps: orderFulfillmentSteps(serviceFunctions(orders)),
      eventBus: bus.eventBus,
      businessKeyPath: '$.data.orderId',
    });
    saga.startOn(bus, 'StartOnOrderPlaced', {
      eventPattern: { source: ['commerceforge.orders'], detailType: ['OrderPlaced'] },
    });
    expect(() => Template.fromStack(orders)).not.toThrow();
    expect(() => Template.fromStack(platform)).not.toThrow();
    Template.fromStack(orders).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['commerceforge.orders'], 'detail-type': ['OrderPlaced'] },
      Targets: [Match.objectLike({ RetryPolicy: Match.anyValue(), DeadLetterConfig: Match.anyValue() })],
    });
  });

  it('is a Standard workflow logging ALL events, without execution data, to a log group with retention, traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      // Level ALL is what cdk-nag's SF1 checks; inputs and outputs (an address, what steps return) stay out.
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('is an Express workflow on request, with a saga-level timeout', () => {
    const express = fulfillmentStack({
      props: { stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5) },
    });
    const t = Template.fromStack(express.stack);
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS' });
    expect(definitionOf(t).TimeoutSeconds).toBe(300);
  });

  it('invokes the functions through their aliases only (no `<Fn.Arn>:*` grants)', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const resources = JSON.stringify(Object.values(policies).map((p) => p.Properties.PolicyDocument));
    expect(resources).not.toMatch(/":\*"/);
    // The saga role invokes each service's `live` alias (a Ref of the AWS::Lambda::Alias).
    for (const fn of Object.values(built.functions)) {
      expect(resources).toContain(
        JSON.stringify({ Ref: built.stack.getLogicalId(fn.alias.node.defaultChild as never) }),
      );
    }
  });

  it('alarms on failed executions (CompensationFailed)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: Match.anyValue() }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('deploys a starter that starts executions named by the business key, through the live alias', () => {
    const env = new Capture();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: env },
      Description: Match.stringLikeRegexp('Starts the OrderFulfillment saga'),
    });
    const aliasRef = { Ref: built.stack.getLogicalId(built.saga.alias) };
    expect(env.asObject()).toMatchObject({
      STATE_MACHINE_ARN: aliasRef,
      BUSINESS_KEY_PATH: '$.data.orderId',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'states:StartExecution', Effect: 'Allow', Resource: aliasRef }),
        ]),
      },
    });
  });

  it('publishes a version per definition revision, kept on replacement, behind a live alias', () => {
    const machineRef = { Ref: built.stack.getLogicalId(built.saga.stateMachine.node.defaultChild as never) };
    template.hasResource('AWS::StepFunctions::StateMachineVersion', {
      Properties: {
        StateMachineArn: machineRef,
        StateMachineRevisionId: {
          'Fn::GetAtt': [machineRef.Ref, 'StateMachineRevisionId'],
        },
      },
      UpdateReplacePolicy: 'Retain',
    });
    // The default strategy: all at once, with no alarm (nothing to wait for).
    template.hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      Name: 'live',
      DeploymentPreference: {
        Type: 'ALL_AT_ONCE',
        StateMachineVersionArn: { 'Fn::GetAtt': [built.stack.getLogicalId(built.saga.version), 'Arn'] },
        Alarms: Match.absent(),
      },
    });
  });

  it('shifts the alias by the strategy it is given, rolled back by the compensation-failed alarm', () => {
    const { stack, saga } = fulfillmentStack({ props: { deploymentStrategy: 'canary' } });
    Template.fromStack(stack).hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      Name: 'live',
      DeploymentPreference: {
        Type: 'CANARY',
        Percentage: 10,
        Interval: 5,
        Alarms: [{ Ref: stack.getLogicalId(saga.compensationFailedAlarm.node.defaultChild as never) }],
      },
    });
    const linear = fulfillmentStack({ props: { deploymentStrategy: 'linear' } });
    Template.fromStack(linear.stack).hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      DeploymentPreference: { Type: 'LINEAR', Percentage: 10, Interval: 1, Alarms: Match.anyValue() },
    });
  });

  it('blue-green: all at once like all-at-once, but rolled back by the compensation-failed alarm', () => {
    const { stack, saga } = fulfillmentStack({ props: { deploymentStrategy: 'blue-green' } });
    Template.fromStack(stack).hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      DeploymentPreference: {
        Type: 'ALL_AT_ONCE',
        Percentage: Match.absent(),
        Interval: Match.absent(),
        Alarms: [{ Ref: stack.getLogicalId(saga.compensationFailedAlarm.node.defaultChild as never) }],
      },
    });
    const allAtOnce = fulfillmentStack({ props: { deploymentStrategy: 'all-at-once' } });
    Template.fromStack(allAtOnce.stack).hasResourceProperties('AWS::StepFunctions::StateMachineAlias', {
      DeploymentPreference: { Type: 'ALL_AT_ONCE', Alarms: Match.absent() },
    });
  });

  it('compiles each step: result by name, own retrier then the transient one, a Catch to its failure state', () => {
    const states = definitionOf(template).States as States;
    expect(states.ChargePayment).toMatchObject({
      Type: 'Task',
      ResultPath: '$.results.ChargePayment',
      TimeoutSeconds: 30,
      Retry: [
        {
          ErrorEquals: ['ProviderUnavailableError'],
          IntervalSeconds: 2,
          MaxAttempts: 3,
          BackoffRate: 2,
          MaxDelaySeconds: 20,
        },
        {
          ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS],
          IntervalSeconds: 1,
          MaxAttempts: 6,
          BackoffRate: 2,
          MaxDelaySeconds: 8,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ChargePayment failed' }],
    });
    expect(states['ChargePayment failed']?.Next).toBe('Undo ReserveStock');
    expect(states['ConfirmOrder failed']?.Next).toBe('Undo CreateShipment');
    expect(states['Undo CreateShipment']?.Next).toBe('Undo ChargePayment');
    expect(states['Undo ReserveStock']?.Next).toBe('SagaCompensated: build');
    // A compensation retries Lambda's transient errors on their own budget, then every error (States.ALL last).
    expect(states['Undo ReserveStock']?.Retry).toEqual([
      {
        ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS],
        IntervalSeconds: 1,
        MaxAttempts: 6,
        BackoffRate: 2,
        MaxDelaySeconds: 8,
        JitterStrategy: 'FULL',
      },
      {
        ErrorEquals: ['States.ALL'],
        IntervalSeconds: 1,
        MaxAttempts: 5,
        BackoffRate: 2,
        MaxDelaySeconds: 30,
        JitterStrategy: 'FULL',
      },
    ]);
    expect(states.CompensationFailed).toEqual({
      Type: 'Fail',
      Error: COMPENSATION_FAILED_ERROR,
      CausePath: '$.cause',
    });
  });

  it('puts a States.ALL retrier after the transient one, and a retrier without errors replaces it', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Retries');
    const { orders } = serviceFunctions(stack);
    new Saga(stack, 'Saga', {
      sagaName: 'Retries',
      eventBus: new events.EventBus(stack, 'Bus'),
      businessKeyPath: '$.data.id',
      steps: [
        { name: 'Anything', action: orders.alias, retry: { errors: ['States.ALL'], maxAttempts: 1 } },
        { name: 'Patient', action: orders.alias, retry: { maxAttempts: 9 } },
        {
          name: 'Picky',
          action: orders.alias,
          compensation: {
            function: orders.alias,
            retry: { errors: ['ProviderUnavailableError'], maxAttempts: 2 },
          },
        },
      ],
    });
    const states = definitionOf(Template.fromStack(stack)).States as States;
    expect(states.Anything?.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS] }),
      { ErrorEquals: ['States.ALL'], MaxAttempts: 1 },
    ]);
    expect(states.Patient?.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS], MaxAttempts: 9 }),
    ]);
    // A compensation retrier naming its errors keeps the other defaults and goes first; throttles still retry.
    expect(states['Undo Picky']?.Retry).toEqual([
      {
        ErrorEquals: ['ProviderUnavailableError'],
        IntervalSeconds: 1,
        MaxAttempts: 2,
        BackoffRate: 2,
        MaxDelaySeconds: 30,
        JitterStrategy: 'FULL',
      },
      expect.objectContaining({ ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS], MaxAttempts: 6 }),
    ]);
  });

  it('refuses an empty saga, a duplicate step and a step name that is not a simple name', () => {
    const make = (steps: { name: string }[]) => () => {
      const stack = new Stack(new App(), 'S');
      const bus = new events.EventBus(stack, 'Bus');
      const action = serviceFunctions(stack).orders.alias;
      new Saga(stack, 'Saga', {
        sagaName: 'S',
        eventBus: bus,
        businessKeyPath: '$.data.id',
        steps: steps.map((s) => ({ ...s, action })),
      });
    };
    expect(make([])).toThrow(/at least one step/);
    expect(make([{ name: 'A' }, { name: 'A' }])).toThrow(/appears twice/);
    expect(make([{ name: 'Reserve stock' }])).toThrow(/must match/);
  });

  it('exposes the saga metrics: counts, duration and rates as metric math', () => {
    const rate = built.saga.metricSuccessRate();
    expect(rate.expression).toBe('IF(started > 0, 100 * outcome / started, 0)');
    const metric = built.saga.metric('SagaCompensated');
    expect(metric).toMatchObject({
      namespace: 'CommerceForge',
      metricName: 'SagaCompensated',
      dimensions: { service: 'saga', SagaName: 'OrderFulfillment' },
    });
    expect(built.saga.metricDuration().statistic).toBe('p90');
  });
});
