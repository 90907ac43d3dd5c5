import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { findMonitored, StackMonitoring } from '../../lib/constructs/monitoring/stack-monitoring.js';
import { MAX_QUERY_LOG_GROUPS, observabilityQueries } from '../../lib/stacks/observability/queries.js';
import { traceFilter } from '../../lib/stacks/observability-stack.js';

function stackWithQueues() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Watched');
  const topic = new sns.Topic(stack, 'Alarms');
  const dlq = new sqs.Queue(stack, 'Dlq');
  const work = new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
  const failures = new sqs.Queue(stack, 'Failures');
  const bus = new events.EventBus(stack, 'Bus');
  const onBus = new events.Rule(stack, 'OnBus', { eventBus: bus, eventPattern: { source: ['x'] } });
  const onDefault = new events.Rule(stack, 'OnDefault', { eventPattern: { source: ['y'] } });
  return { stack, topic, dlq, work, failures, onBus, onDefault };
}

describe('StackMonitoring', () => {
  it('sorts queues: a queue with its dead-letter queue together, the ends of the line alone', () => {
    const { stack, dlq, work, failures } = stackWithQueues();
    const found = findMonitored(stack);
    expect(found.queues).toEqual([work]);
    expect(found.standaloneQueues).toEqual([failures]);
    expect(found.standaloneQueues).not.toContain(dlq);
  });

  it('names a rule by its ARN’s last part: rule/<bus>/<name> on a custom bus, rule/<name> on the default', () => {
    const { stack, topic, onBus, onDefault } = stackWithQueues();
    new StackMonitoring(stack, 'Monitoring', { alarmTopic: topic });
    const template = Template.fromStack(stack);
    const ruleName = (rule: events.Rule, index: number) => ({
      'Fn::Select': [
        index,
        {
          'Fn::Split': [
            '/',
            { 'Fn::GetAtt': [stack.getLogicalId(rule.node.defaultChild as events.CfnRule), 'Arn'] },
          ],
        },
      ],
    });
    for (const [rule, index] of [
      [onBus, 2],
      [onDefault, 1],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'InvocationsFailedToBeSentToDlq',
        Dimensions: [{ Name: 'RuleName', Value: ruleName(rule, index) }],
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Watched' });
  });

  it('adds no alarm for a queue: the dead-letter alarms exist already in the constructs', () => {
    const { stack, topic } = stackWithQueues();
    new StackMonitoring(stack, 'Monitoring', { alarmTopic: topic });
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', {
      Properties: { Namespace: 'AWS/SQS' },
    });
    expect(Object.keys(alarms)).toEqual([]);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });
});

describe('saved queries and the trace group', () => {
  it('refuses more log groups than StartQuery reads, and none', () => {
    const stack = new Stack(new App(), 'Q');
    const groups = Array.from(
      { length: MAX_QUERY_LOG_GROUPS + 1 },
      (_, i) => new logs.LogGroup(stack, `G${i}`),
    );
    expect(() => observabilityQueries(stack, { prefix: 'p', logGroups: groups })).toThrow(
      /1 to 50 log groups/,
    );
    expect(() => observabilityQueries(stack, { prefix: 'p', logGroups: [] })).toThrow(/got 0/);
    observabilityQueries(stack, { prefix: 'p', logGroups: groups.slice(0, 2) });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'p/compensations',
      LogGroupNames: Match.arrayWith([{ Ref: Match.anyValue() }]),
      QueryString: Match.stringLikeRegexp('command in \\["CancelOrder", "ReleaseStock"'),
    });
  });

  it('matches a trace annotated with any service, each once', () => {
    expect(traceFilter(['orders', 'saga', 'orders'])).toBe(
      'annotation.Service = "orders" OR annotation.Service = "saga"',
    );
  });
});
