import { Fn, Stack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';

export interface StackMonitoringProps {
  /** Where the alarms made here notify (the platform's alarm topic). */
  readonly alarmTopic: sns.ITopic;
  /** The dashboard's name. @default - the stack's name */
  readonly dashboardName?: string;
}

/** What one `StackMonitoring` watches, by kind: the construct tests and the README count on it. */
export interface MonitoredResources {
  readonly functions: lambda.Function[];
  readonly stateMachines: sfn.StateMachine[];
  readonly tables: dynamodb.Table[];
  /** Queues that redrive to a dead-letter queue: both are watched together. */
  readonly queues: sqs.Queue[];
  /**
   * Queues no queue redrives to and that redrive nowhere: in this app, the ends of the line (a rule's
   * dead-letter queue, a function's failure destination, a relay's failures), whose alarms exist already.
   */
  readonly standaloneQueues: sqs.Queue[];
  readonly apis: appsync.GraphqlApi[];
  readonly rules: events.Rule[];
}

/** EventBridge metrics per rule (namespace AWS/Events, dimension RuleName) that cdk-monitoring-constructs lacks. */
export const RULE_METRICS = ['Invocations', 'FailedInvocations', 'InvocationsFailedToBeSentToDlq'] as const;

/**
 * One stack's dashboard, made with cdk-monitoring-constructs (`MonitoringFacade`) from what the stack holds:
 * every Lambda function, state machine, DynamoDB table, SQS queue (with its dead-letter queue), AppSync API
 * and EventBridge rule in it. It lives in the stack it watches, so a metric's dimensions are that stack's own
 * names and no export is made (a central stack reading forty functions' names would import them all, and
 * pin every one against removal).
 *
 * Alarms are not added where the constructs already keep one (a dead-letter queue's first message, a
 * queue's oldest message, a relay's lag, a failed saga): this adds one alarm per rule, on
 * `InvocationsFailedToBeSentToDlq` — the event is lost, not parked, so nothing else would ever say so.
 * A rule's `FailedInvocations` are graphed only: each one lands in the rule's dead-letter queue, whose
 * alarm already fires.
 *
 * Create it after the stack is complete (`buildApp` does, for every stack): it watches what exists then.
 */
export class StackMonitoring extends Construct {
  public readonly facade: MonitoringFacade;
  public readonly monitored: MonitoredResources;
  /** The per-rule alarms on events EventBridge could not even dead-letter. */
  public readonly lostEventAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Stack, id: string, props: StackMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.monitored = findMonitored(stack);
    const dashboardName = props.dashboardName ?? stack.stackName;

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        actionsEnabled: true,
        alarmNamePrefix: dashboardName,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: props.alarmTopic }),
      },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: dashboardName,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });

    const name = (c: Construct) => relativePath(stack, c);
    const { functions, stateMachines, tables, queues, standaloneQueues, apis, rules } = this.monitored;
    if (Object.values(this.monitored).every((found) => found.length === 0)) {
      this.facade.addLargeHeader(`${dashboardName}: nothing to monitor yet`);
    }
    for (const api of apis) {
      this.facade.monitorAppSyncApi({ api, humanReadableName: name(api), alarmFriendlyName: name(api) });
    }
    for (const stateMachine of stateMachines) {
      this.facade.monitorStepFunction({
        stateMachine,
        humanReadableName: name(stateMachine),
        alarmFriendlyName: name(stateMachine),
      });
    }
    for (const fn of functions) {
      this.facade.monitorLambdaFunction({
        lambdaFunction: fn,
        humanReadableName: name(fn),
        alarmFriendlyName: name(fn),
      });
    }
    for (const queue of queues) {
      this.facade.monitorSqsQueueWithDlq({
        queue,
        deadLetterQueue: queue.deadLetterQueue!.queue,
        humanReadableName: name(queue),
        alarmFriendlyName: name(queue),
      });
    }
    for (const queue of standaloneQueues) {
      this.facade.monitorSqsQueue({ queue, humanReadableName: name(queue), alarmFriendlyName: name(queue) });
    }
    for (const table of tables) {
      this.facade.monitorDynamoTable({
        table,
        humanReadableName: name(table),
        alarmFriendlyName: name(table),
      });
    }
    // A subscription's rule is its `Rule` child: name it by the subscription.
    for (const rule of rules) this.monitorRule(rule, name(rule.node.id === 'Rule' ? rule.node.scope! : rule));
  }

  private monitorRule(rule: events.Rule, name: string): void {
    const metric = (metricName: (typeof RULE_METRICS)[number]) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName,
        dimensionsMap: { RuleName: ruleNameOf(rule) },
        statistic: 'Sum',
      });
    this.facade.monitorCustom({
      humanReadableName: `Rule ${name}`,
      alarmFriendlyName: name,
      metricGroups: [
        { title: 'Deliveries', metrics: [metric('Invocations'), metric('FailedInvocations')] },
        {
          title: 'Lost (not dead-lettered)',
          metrics: [
            {
              metric: metric('InvocationsFailedToBeSentToDlq'),
              alarmFriendlyName: 'Lost',
              addAlarm: {
                Critical: {
                  threshold: 1,
                  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                  // No failed delivery is no datapoint at all: that is healthy, not unknown.
                  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                  evaluationPeriods: 1,
                  datapointsToAlarm: 1,
                  additionalDescription: `Events matched by rule ${name} were neither delivered nor dead-lettered: they are lost. Check the dead-letter queue's policy and key.`,
                },
              },
            },
          ],
        },
      ],
    });
    const created = this.facade.createdAlarms().at(-1)?.alarm;
    if (created instanceof cloudwatch.Alarm) this.lostEventAlarms.push(created);
  }
}

/** Every resource of `stack` that a dashboard watches (not those of nested stacks or other stacks). */
export function findMonitored(stack: Stack): MonitoredResources {
  const own = stack.node.findAll().filter((c) => Stack.of(c) === stack);
  const queues = own.filter((c): c is sqs.Queue => c instanceof sqs.Queue);
  const redriveTargets = new Set(queues.map((q) => q.deadLetterQueue?.queue).filter(Boolean));
  return {
    functions: own.filter((c): c is lambda.Function => c instanceof lambda.Function),
    stateMachines: own.filter((c): c is sfn.StateMachine => c instanceof sfn.StateMachine),
    tables: own.filter((c): c is dynamodb.Table => c instanceof dynamodb.Table),
    queues: queues.filter((q) => q.deadLetterQueue !== undefined),
    standaloneQueues: queues.filter((q) => q.deadLetterQueue === undefined && !redriveTargets.has(q)),
    apis: own.filter((c): c is appsync.GraphqlApi => c instanceof appsync.GraphqlApi),
    rules: own.filter((c): c is events.Rule => c instanceof events.Rule),
  };
}

/**
 * The RuleName dimension. `rule.ruleName` is the rule's Ref, which for a rule on a custom bus is
 * `<bus>|<rule>`; the ARN ends `rule/<bus>/<rule>` (custom bus) or `rule/<rule>` (default bus).
 */
function ruleNameOf(rule: events.Rule): string {
  const onCustomBus = (rule.node.defaultChild as events.CfnRule).eventBusName !== undefined;
  return Fn.select(onCustomBus ? 2 : 1, Fn.split('/', rule.ruleArn));
}

/** The construct's path under its stack, with `-` for `/` (alarm and widget names). */
function relativePath(stack: Stack, c: Construct): string {
  return (c.node.path.slice(stack.node.path.length + 1) || c.node.id).replaceAll('/', '-');
}
