import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';
import { DomainEventBus, SubscriptionTargets } from '../../lib/constructs/domain-event-bus.js';
import { EventQueue } from '../../lib/constructs/event-queue.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';
import type { AnalyticsStack } from '../../lib/stacks/services/analytics-stack.js';

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));

/** How CDK names an alias to an event source mapping: `<function name>:live`, read out of the alias's ARN. */
const aliasName = (aliasLogicalId: string) => ({
  'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: aliasLogicalId }] }] }, ':live']],
});

/** An alarm as soon as one message waits in the dead-letter queue, quiet without data. */
const DEAD_LETTER_ALARM = {
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  EvaluationPeriods: 1,
  TreatMissingData: 'notBreaching',
};

describe('EventQueue: a bus-fed queue a function reads in batches', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const platform = new Stack(app, 'Platform');
  const topic = new sns.Topic(platform, 'Alarms', { enforceSSL: true });
  const bus = new DomainEventBus(platform, 'Events', { registryName: 'r', schemas: [], alarmTopic: topic });
  const service = new Stack(app, 'Service');
  const fn = new ServiceFunction(service, 'Projector', {
    service: 'analytics',
    entry,
    timeout: Duration.seconds(30),
  });
  const events = new EventQueue(service, 'Events', {
    consumer: fn.alias,
    consumerTimeout: Duration.seconds(30),
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(1),
    maxConcurrency: 2,
    alarmTopic: topic,
  });
  bus.subscribe(service, 'ToQueue', {
    eventPattern: { source: ['commerceforge.orders'] },
    target: SubscriptionTargets.queue(events.queue),
  });
  let template: Template;
  const id = (element: unknown) => service.getLogicalId(element as CfnElement);
  beforeAll(() => {
    // cdk-nag runs here: Template.fromStack throws with its report on any unacknowledged finding.
    template = Template.fromStack(service);
  });

  it('hands the function (its alias) batches of up to 100, gathered for a second, two at a time, with partial failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasName(id(fn.alias.node.defaultChild)),
      EventSourceArn: { 'Fn::GetAtt': [id(events.queue.node.defaultChild), 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('encrypts both queues, refuses plain HTTP, hides a message for six timeouts plus the window, and dead-letters after five receives', () => {
    const queue = id(events.queue.node.defaultChild);
    const deadLetters = id(events.deadLetterQueue.node.defaultChild);
    const queues = template.findResources('AWS::SQS::Queue');
    expect(queues[queue]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 30 + 1,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(queues[deadLetters]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    for (const q of [queue, deadLetters]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: q }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('alarms on the first dead letter, and on a message waiting over 15 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...DEAD_LETTER_ALARM,
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [id(events.deadLetterQueue.node.defaultChild), 'QueueName'] },
        },
      ],
      AlarmActions: [Match.anyValue()],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 15 * 60,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [id(events.queue.node.defaultChild), 'QueueName'] } },
      ],
      AlarmActions: [Match.anyValue()],
    });
  });

  it('lets the function receive and delete, and the rule send (its own dead-letter queue besides)', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
            Resource: { 'Fn::GetAtt': [id(events.queue.node.defaultChild), 'Arn'] },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [id(events.queue.node.defaultChild), 'Arn'] },
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
    // A queue target is not an asynchronous invocation: no failure destination for the function.
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });
});

describe('the analytics stack', () => {
  let template: Template;
  let stack: AnalyticsStack;
  beforeAll(() => {
    const app = buildApp(
      loadConfig({ STAGE: 'dev' }),
      new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
    );
    stack = app.node.findChild('CommerceForge-dev-Analytics') as AnalyticsStack;
    template = Template.fromStack(stack);
  });

  it('feeds its projector from a queue: batches of 100 within a second, two at a time, partial failures', () => {
    const projector = stack.functions.Projector!;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasName(stack.getLogicalId(projector.alias.node.defaultChild as CfnElement)),
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^analytics: keeps SalesSummary'),
      Timeout: 30,
    });
  });

  it('sends the counted orders and saga events, and every users event, to that queue; invokes nothing directly', () => {
    const queueArn = {
      'Fn::GetAtt': [stack.getLogicalId(stack.projectorQueue.queue.node.defaultChild as CfnElement), 'Arn'],
    };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['commerceforge.orders', 'commerceforge.saga'],
        'detail-type': Match.arrayWith(['OrderPlaced', 'OrderConfirmed', 'SagaStarted', 'SagaCompensated']),
      },
      Targets: [Match.objectLike({ Arn: queueArn })],
    });
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const salesRule = rules.find((r) => r.Properties.EventPattern.source.includes('commerceforge.saga'));
    expect(salesRule?.Properties.EventPattern['detail-type']).not.toContain('SagaStepCompleted');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['commerceforge.users'] },
      Targets: [Match.objectLike({ Arn: queueArn })],
    });
    expect(rules).toHaveLength(2);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });
});
