import { fileURLToPath } from 'node:url';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ChaosMonkey } from '../../lib/constructs/chaos/chaos-monkey.js';
import {
  CHAOS_TAG,
  enableFaultInjection,
  FIS_EXEC_WRAPPER,
  fisExtensionParameter,
} from '../../lib/constructs/chaos/fault-injection.js';
import { FisTemplateError } from '../../lib/constructs/chaos/fis-actions.js';
import {
  LambdaFaultExperiment,
  type LambdaFaultExperimentProps,
} from '../../lib/constructs/chaos/lambda-fault-experiment.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));

function chaosStack(options: { nag?: boolean } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Chaos');
  const alarm = new cloudwatch.Alarm(stack, 'Slo', {
    metric: new cloudwatch.Metric({ namespace: 'CommerceForge', metricName: 'SagaSucceeded' }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('fis.amazonaws.com') });
  return { app, stack, alarm, role };
}

function experiment(
  setup: ReturnType<typeof chaosStack>,
  overrides: Partial<LambdaFaultExperimentProps> = {},
): LambdaFaultExperiment {
  return new LambdaFaultExperiment(setup.stack, 'PaymentErrors', {
    experimentName: 'payment-errors',
    description: 'payments fail',
    role: setup.role,
    targets: { payments: { tags: { [CHAOS_TAG]: 'payments' }, selectionMode: 'PERCENT(50)' } },
    actions: {
      'fail-payments': {
        actionId: 'aws:lambda:invocation-error',
        parameters: { duration: 'PT5M', invocationPercentage: 30, preventExecution: true },
        target: 'payments',
      },
      recovery: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' }, startAfter: ['fail-payments'] },
    },
    stopConditions: [setup.alarm],
    ...overrides,
  });
}

describe('LambdaFaultExperiment', () => {
  it('targets functions by tag with the selection mode, on the live alias, stopped by the SLO alarm', () => {
    const setup = chaosStack();
    const logGroup = new logs.LogGroup(setup.stack, 'Log');
    const bucket = new s3.Bucket(setup.stack, 'Reports');
    experiment(setup, { logGroup, report: { bucket, prefix: 'FisReports/' } });
    const template = Template.fromStack(setup.stack);
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: {
        payments: {
          ResourceType: 'aws:lambda:function',
          ResourceTags: { [CHAOS_TAG]: 'payments' },
          SelectionMode: 'PERCENT(50)',
          Parameters: { functionQualifier: 'live' },
        },
      },
      Actions: {
        'fail-payments': {
          ActionId: 'aws:lambda:invocation-error',
          // FIS takes every parameter as a string.
          Parameters: { duration: 'PT5M', invocationPercentage: '30', preventExecution: 'true' },
          Targets: { Functions: 'payments' },
        },
        recovery: { ActionId: 'aws:fis:wait', StartAfter: ['fail-payments'] },
      },
      StopConditions: [
        {
          Source: 'aws:cloudwatch:alarm',
          Value: {
            'Fn::GetAtt': [
              setup.stack.getLogicalId(setup.alarm.node.defaultChild as cloudwatch.CfnAlarm),
              'Arn',
            ],
          },
        },
      ],
      LogConfiguration: {
        LogSchemaVersion: 2,
        CloudWatchLogsConfiguration: { LogGroupArn: Match.anyValue() },
      },
      ExperimentReportConfiguration: {
        Outputs: { ExperimentReportS3Configuration: { Prefix: 'FisReports/' } },
      },
      Tags: { Name: 'payment-errors' },
    });
  });

  it('refuses a bad action at synth time with a typed error naming the problem', () => {
    expect(() =>
      experiment(chaosStack(), {
        actions: {
          'fail-payments': {
            actionId: 'aws:lambda:invocation-error',
            parameters: { duration: 'PT5M', invocationPercentage: 130 },
            target: 'payments',
          },
        },
      }),
    ).toThrow(FisTemplateError);
    expect(() =>
      experiment(chaosStack(), {
        actions: {
          'fail-payments': {
            actionId: 'aws:lambda:invocation-error',
            parameters: { duration: 'PT5M' },
            target: 'payments',
            startAfter: ['warm-up'],
          },
        },
      }),
    ).toThrow(/startAfter 'warm-up' is not an action/);
  });

  it('refuses an experiment without a stop condition: the steady-state hypothesis is not optional', () => {
    expect(() => experiment(chaosStack(), { stopConditions: [] })).toThrow(/at least one stop condition/);
  });
});

describe('fault injection on a function', () => {
  it('adds the FIS extension layer from the public parameter, the wrapper, the configuration location, read rights and the tag', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Payments');
    const fn = new ServiceFunction(stack, 'Commands', { service: 'payments', entry });
    enableFaultInjection(fn, { stage: 'dev', participant: 'payments' });
    const template = Template.fromStack(stack);
    expect(Object.values(template.toJSON().Parameters ?? {})).toContainEqual(
      expect.objectContaining({
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: fisExtensionParameter(fn.function.architecture),
      }),
    );
    expect(fisExtensionParameter(fn.function.architecture)).toBe(
      '/aws/service/fis/lambda-extension/AWS-FIS-extension-arm64/1.x.x',
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Layers: [
        { Ref: Match.stringLikeRegexp('^SsmParameterValueawsservicepowertools') },
        { Ref: Match.stringLikeRegexp('^SsmParameterValueawsservicefislambdaextension') },
      ],
      Environment: {
        Variables: Match.objectLike({
          AWS_LAMBDA_EXEC_WRAPPER: FIS_EXEC_WRAPPER,
          AWS_FIS_CONFIGURATION_LOCATION: {
            'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/FisConfigs/$')])],
          },
        }),
      },
      Tags: Match.arrayWith([{ Key: CHAOS_TAG, Value: 'payments' }]),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/FisConfigs/\\*$')])] },
          }),
        ]),
      },
    });
  });
});

describe('ChaosMonkey', () => {
  function monkey(setup: ReturnType<typeof chaosStack>, enabled?: boolean) {
    const templates = [experiment(setup).template];
    return new ChaosMonkey(setup.stack, 'Monkey', {
      templates,
      probability: 0.25,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      ...(enabled === undefined ? {} : { enabled }),
    });
  }

  it('is off unless switched on, and may start only the given templates', () => {
    const setup = chaosStack();
    const built = monkey(setup);
    const template = Template.fromStack(setup.stack);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS' });
    const definition = JSON.stringify(
      template.toJSON().Resources[setup.stack.getLogicalId(built.stateMachine.node.defaultChild as never)]
        .Properties.DefinitionString,
    );
    expect(definition).toContain('States.MathRandom(0, 1000)');
    expect(definition).toContain('\\"NumericLessThan\\":250');
    expect(definition).toContain('States.ArrayGetItem($.monkey.templates, States.MathRandom(0, 1))');
    expect(definition).toContain('aws-sdk:fis:startExperiment');
    // An index past the list (an inclusive MathRandom end) draws again instead of starting nothing.
    expect(definition).toContain('\\"IsNull\\":true,\\"Next\\":\\"PickExperiment\\"');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'fis:StartExperiment',
            Resource: [
              {
                'Fn::Join': [
                  '',
                  Match.arrayWith([':experiment-template/', Match.objectLike({ Ref: Match.anyValue() })]),
                ],
              },
              { 'Fn::Join': ['', Match.arrayWith([':experiment/*'])] },
            ],
          }),
        ]),
      },
    });

    const on = chaosStack();
    monkey(on, true);
    Template.fromStack(on.stack).hasResourceProperties('AWS::Scheduler::Schedule', { State: 'ENABLED' });
  });

  it('refuses a probability outside 0 to 1', () => {
    const setup = chaosStack();
    expect(
      () =>
        new ChaosMonkey(setup.stack, 'Monkey', {
          templates: [experiment(setup).template],
          probability: 1.5,
          schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
        }),
    ).toThrow(RangeError);
  });
});

describe('cdk-nag on the chaos constructs', () => {
  it('passes an experiment, a monkey and an injectable function: every acknowledgement is in the constructs', () => {
    const setup = chaosStack({ nag: true });
    new ChaosMonkey(setup.stack, 'Monkey', {
      templates: [experiment(setup).template],
      probability: 0.1,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
    });
    const service = new Stack(setup.app, 'Service');
    const fn = new ServiceFunction(service, 'Commands', { service: 'payments', entry });
    enableFaultInjection(fn, { stage: 'dev', participant: 'payments' });
    expect(() => Template.fromStack(setup.stack)).not.toThrow();
    expect(() => Template.fromStack(service)).not.toThrow();
  });
});
