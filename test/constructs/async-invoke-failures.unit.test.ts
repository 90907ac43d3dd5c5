import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';
import { AsyncInvokeFailures } from '../../lib/constructs/async-invoke-failures.js';
import { DomainEventBus, SubscriptionTargets } from '../../lib/constructs/domain-event-bus.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));

/** The qualifier of an alias as CDK writes it: the last field of the alias's ARN (its name). */
const qualifierOf = (aliasLogicalId: string) => ({
  'Fn::Select': [7, { 'Fn::Split': [':', { Ref: aliasLogicalId }] }],
});

/** A failure queue: encrypted, TLS only, 14 days. */
const FAILURE_QUEUE = {
  MessageRetentionPeriod: 14 * 24 * 3600,
  SqsManagedSseEnabled: true,
};
/** An alarm as soon as one message waits, quiet without data. */
const ALARM = {
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  EvaluationPeriods: 1,
  TreatMissingData: 'notBreaching',
};

describe('AsyncInvokeFailures on a Lambda subscription', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const platform = new Stack(app, 'Platform');
  const topic = new sns.Topic(platform, 'Alarms');
  const bus = new DomainEventBus(platform, 'Events', { registryName: 'r', schemas: [], alarmTopic: topic });
  const service = new Stack(app, 'Service');
  const fn = new ServiceFunction(service, 'Projector', { service: 'orders', entry });
  // Two rules invoking one function: one configuration for its alias (Lambda keeps one per qualifier).
  for (const id of ['OnOrders', 'OnUsers']) {
    bus.subscribe(service, id, {
      eventPattern: { source: [`commerceforge.${id.slice(2).toLowerCase()}`] },
      target: SubscriptionTargets.lambda(fn.alias),
    });
  }
  let template: Template;
  let failures: AsyncInvokeFailures;
  const id = (element: unknown) => service.getLogicalId(element as CfnElement);
  beforeAll(() => {
    template = Template.fromStack(service);
    failures = AsyncInvokeFailures.find(fn.alias)!;
  });

  it('configures the alias the rules invoke: Lambda retries twice, then the failure queue', () => {
    expect(failures).toBeDefined();
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { Ref: id(fn.alias.node.defaultChild) } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(fn.function.node.defaultChild) },
      // `live`, read out of the alias's ARN (which also makes the configuration wait for the alias).
      Qualifier: qualifierOf(id(fn.alias.node.defaultChild)),
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [id(failures.queue.node.defaultChild), 'Arn'] } },
      },
    });
  });

  it('deploys the grant to send to the queue before the configuration (Lambda checks it)', () => {
    const [config] = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    const policy = fn.function.role!.node.findChild('DefaultPolicy').node.defaultChild;
    expect(config?.DependsOn).toEqual(expect.arrayContaining([id(policy)]));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [id(failures.queue.node.defaultChild), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('keeps failed events 14 days in an encrypted, TLS-only queue, and alarms on the first one', () => {
    const queue = id(failures.queue.node.defaultChild);
    template.hasResourceProperties('AWS::SQS::Queue', FAILURE_QUEUE);
    expect(template.findResources('AWS::SQS::Queue')[queue]?.Properties).toMatchObject(FAILURE_QUEUE);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...ALARM,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      AlarmActions: [Match.anyValue()],
    });
  });

  it('adds nothing to a target that is not a function', () => {
    const other = new Stack(new App(), 'Queues');
    const bus = new DomainEventBus(other, 'Events', { registryName: 'r', schemas: [] });
    bus.subscribe(other, 'ToQueue', {
      eventPattern: { source: ['commerceforge.orders'] },
      target: SubscriptionTargets.queue(new sqs.Queue(other, 'Inbox', { enforceSSL: true })),
    });
    Template.fromStack(other).resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });
});

describe('every function the real app invokes asynchronously', () => {
  let templates: Map<string, Template>;
  beforeAll(() => {
    const app = buildApp(
      loadConfig({ STAGE: 'dev' }),
      new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
    );
    const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
    templates = new Map(stacks.map((s) => [s.stackName, Template.fromStack(s)]));
  }, 180_000);

  it('has a failure destination on the qualifier its rules invoke: a queue with an alarm to the alarm topic', () => {
    const checked = new Set<string>();
    const queued = new Set<string>();
    for (const [stackName, template] of templates) {
      const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: never }>;
      for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
        for (const target of rule.Properties.Targets as {
          Arn: { Ref?: string; 'Fn::GetAtt'?: string[] };
        }[]) {
          // A queue a function reads in batches (an EventQueue: the projectors') has its own dead-letter
          // queue and alarm (test/constructs/event-queue.unit.test.ts), and hands failed records back.
          const sendsTo = target.Arn['Fn::GetAtt']?.[0];
          if (sendsTo && resources[sendsTo]?.Type === 'AWS::SQS::Queue') {
            expect(resources[sendsTo]).toMatchObject({
              Properties: { RedrivePolicy: { maxReceiveCount: expect.any(Number) } },
            });
            template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
              EventSourceArn: { 'Fn::GetAtt': [sendsTo, 'Arn'] },
              FunctionResponseTypes: ['ReportBatchItemFailures'],
            });
            queued.add(`${stackName}/${sendsTo}`);
            continue;
          }
          const alias = target.Arn.Ref ? resources[target.Arn.Ref] : undefined;
          // Every other rule of the app invokes a function's `live` alias of its own stack.
          expect(alias?.Type, `${stackName}: a rule target ${JSON.stringify(target.Arn)}`).toBe(
            'AWS::Lambda::Alias',
          );
          const { FunctionName, Name } = alias!.Properties as { FunctionName: unknown; Name: string };
          expect(Name).toBe('live');
          const configs = Object.values(
            template.findResources('AWS::Lambda::EventInvokeConfig', {
              Properties: { FunctionName, Qualifier: qualifierOf(target.Arn.Ref!) },
            }),
          );
          expect(configs, `${stackName}: ${target.Arn.Ref} has one EventInvokeConfig`).toHaveLength(1);
          const config = configs[0]!.Properties;
          expect(config).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
          const destination = config.DestinationConfig.OnFailure.Destination as { 'Fn::GetAtt': string[] };
          const [queue, attribute] = destination['Fn::GetAtt'];
          expect(attribute).toBe('Arn');
          expect(resources[queue!]).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: FAILURE_QUEUE });
          template.hasResourceProperties('AWS::CloudWatch::Alarm', {
            ...ALARM,
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
            // The platform's alarm topic, imported from the Platform stack (or its own, there).
            AlarmActions: [Match.anyValue()],
          });
          checked.add(`${stackName}/${target.Arn.Ref}`);
        }
      }
    }
    // The choreography handlers, the order-updates publisher and the saga's starter; the projectors of the
    // seven services with read models read queues.
    expect(checked.size).toBeGreaterThanOrEqual(6);
    expect(queued.size).toBeGreaterThanOrEqual(7);
  });
});
