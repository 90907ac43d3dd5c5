import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { DomainEventBus, SubscriptionTargets } from '../../lib/constructs/domain-event-bus.js';

const schema = (name: string) => ({
  schemaName: name,
  content: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' },
});

function platform(schemas = [schema('commerceforge.orders@OrderPlaced.v1')]) {
  const app = new App();
  const stack = new Stack(app, 'Platform');
  const topic = new sns.Topic(stack, 'Alarms');
  const bus = new DomainEventBus(stack, 'Events', {
    eventBusName: 'commerceforge-test',
    registryName: 'commerceforge-test',
    schemas,
    archiveRetention: Duration.days(3),
    alarmTopic: topic,
  });
  return { app, stack, bus, topic };
}

describe('DomainEventBus', () => {
  it('creates the bus and an archive of the platform events', () => {
    const { stack } = platform();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'commerceforge-test' });
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 3,
      EventPattern: { source: [{ prefix: 'commerceforge.' }] },
    });
  });

  it('puts one JSON Schema per event type and version in the registry', () => {
    const names = ['commerceforge.orders@OrderPlaced.v1', 'commerceforge.orders@OrderPlaced.v2'];
    const { stack } = platform(names.map(schema));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'commerceforge-test' });
    template.resourceCountIs('AWS::EventSchemas::Schema', 2);
    for (const name of names) {
      const content = new Capture();
      template.hasResourceProperties('AWS::EventSchemas::Schema', {
        SchemaName: name,
        Type: 'JSONSchemaDraft4',
        Content: content,
      });
      expect(JSON.parse(content.asString())).toMatchObject({ type: 'object' });
    }
  });

  it('refuses a schema defined twice', () => {
    expect(() => platform([schema('a@B.v1'), schema('a@B.v1')])).toThrow(/a@B.v1 is defined twice/);
  });

  it('gives every subscription a retry policy, a dead-letter queue and an alarm on it', () => {
    const { app, bus, stack: platformStack } = platform();
    const service = new Stack(app, 'Orders');
    const inbox = new sqs.Queue(service, 'Inbox', { enforceSSL: true });
    const sub = bus.subscribe(service, 'OnOrderPlaced', {
      eventPattern: { source: ['commerceforge.orders'], detailType: ['OrderPlaced'] },
      target: SubscriptionTargets.queue(inbox),
      retryAttempts: 4,
      maxEventAge: Duration.minutes(30),
    });
    const template = Template.fromStack(service);
    const dlq = service.getLogicalId(sub.deadLetterQueue.node.defaultChild as CfnElement);

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['commerceforge.orders'], 'detail-type': ['OrderPlaced'] },
      EventBusName: Match.anyValue(),
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 1800 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      AlarmActions: [Match.anyValue()],
    });
    // EventBridge may write to the DLQ: its resource policy says so.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
    // The rule lives with the subscriber, so the platform stack holds none.
    Template.fromStack(platformStack).resourceCountIs('AWS::Events::Rule', 0);
  });

  it('applies the default retry policy when none is given', () => {
    const { app, bus } = platform();
    const service = new Stack(app, 'Svc');
    bus.subscribe(service, 'Sub', {
      eventPattern: { source: ['commerceforge.users'] },
      target: SubscriptionTargets.queue(new sqs.Queue(service, 'Q', { enforceSSL: true })),
    });
    Template.fromStack(service).hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 } }),
      ],
    });
  });
});
