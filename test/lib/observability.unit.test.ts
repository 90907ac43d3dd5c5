import type { CfnResource } from 'aws-cdk-lib';
import { App, Stack } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';
import { CORRELATION_ID_PLACEHOLDER, QUERIES } from '../../lib/stacks/observability/queries.js';
import { ObservabilityStack } from '../../lib/stacks/observability-stack.js';
import { PlatformStack } from '../../lib/stacks/platform-stack.js';
import { evaluateExpression, type Series } from '../../local/cloudwatch/metric-math.js';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const MONITORED_TYPES = [
  'AWS::Lambda::Function',
  'AWS::StepFunctions::StateMachine',
  'AWS::DynamoDB::Table',
  'AWS::SQS::Queue',
  'AWS::AppSync::GraphQLApi',
  'AWS::Events::Rule',
];

/** One synth of the whole dev app for the file (a synth takes seconds). */
let stacks: Stack[];
let templates: Map<Stack, Template>;
let observability: ObservabilityStack;
let topicLogicalId: string;

beforeAll(() => {
  const app = buildApp(loadConfig({ STAGE: 'dev' }), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
  // Template.fromStack runs the validation plugins: it throws with cdk-nag's report on any finding.
  templates = new Map(stacks.map((s) => [s, Template.fromStack(s)]));
  observability = stacks.find((s): s is ObservabilityStack => s instanceof ObservabilityStack)!;
  const platform = stacks.find((s): s is PlatformStack => s instanceof PlatformStack)!;
  topicLogicalId = platform.getLogicalId(platform.alarmTopic.node.defaultChild as CfnResource);
});

const resourcesOf = (stack: Stack) => templates.get(stack)!.toJSON().Resources as Resources;

describe('monitoring of every stack (cdk-monitoring-constructs)', () => {
  it('puts every function, state machine, table, queue, API and rule on its stack’s dashboard', () => {
    const checked: string[] = [];
    const missing: string[] = [];
    for (const stack of stacks) {
      const resources = resourcesOf(stack);
      const dashboards = JSON.stringify(
        Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard'),
      );
      for (const [logicalId, resource] of Object.entries(resources)) {
        if (!MONITORED_TYPES.includes(resource.Type)) continue;
        // CDK's LogRetention provider (a singleton) runs only while CloudFormation deploys: no traffic to watch.
        if (logicalId.startsWith('LogRetention')) continue;
        // A dashboard names a resource through its Ref or GetAtt: its logical id is in the body.
        const name = `${stack.stackName} ${resource.Type} ${logicalId}`;
        (dashboards.includes(`"${logicalId}"`) ? checked : missing).push(name);
      }
    }
    expect(missing).toEqual([]);
    for (const type of MONITORED_TYPES)
      expect(
        checked.some((c) => c.includes(type)),
        type,
      ).toBe(true);
    expect(checked.length).toBeGreaterThan(100);
  });

  it('makes one dashboard per service stack, plus the overview and its alarms', () => {
    const names = stacks.flatMap((s) =>
      Object.values(resourcesOf(s))
        .filter((r) => r.Type === 'AWS::CloudWatch::Dashboard')
        .map((r) => r.Properties?.DashboardName),
    );
    for (const service of ['Users', 'Orders', 'Payments', 'Shipping', 'Sagas', 'Api']) {
      expect(names).toContain(`CommerceForge-dev-${service}`);
    }
    expect(names).toEqual(
      expect.arrayContaining(['CommerceForge-dev-Overview', 'CommerceForge-dev-Overview-Alarms']),
    );
  });

  it('alarms, once per rule, on events EventBridge could not dead-letter (missing data not breaching)', () => {
    for (const stack of stacks) {
      const resources = resourcesOf(stack);
      for (const [logicalId, rule] of Object.entries(resources)) {
        if (rule.Type !== 'AWS::Events::Rule') continue;
        templates.get(stack)!.resourcePropertiesCountIs(
          'AWS::CloudWatch::Alarm',
          {
            Namespace: 'AWS/Events',
            MetricName: 'InvocationsFailedToBeSentToDlq',
            // The rule's name is the last part of its ARN (rule/<bus>/<name>), not its Ref (<bus>|<name>).
            Dimensions: [
              {
                Name: 'RuleName',
                Value: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [logicalId, 'Arn'] }] }] },
              },
            ],
            TreatMissingData: 'notBreaching',
            Threshold: 1,
          },
          1,
        );
      }
    }
  });

  it('routes every alarm of the app, old and new, to the platform’s alarm topic', () => {
    let alarms = 0;
    for (const stack of stacks) {
      for (const [logicalId, r] of Object.entries(resourcesOf(stack))) {
        if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
        alarms++;
        expect(JSON.stringify(r.Properties?.AlarmActions ?? []), `${stack.stackName} ${logicalId}`).toContain(
          topicLogicalId,
        );
      }
    }
    expect(alarms).toBeGreaterThan(50);
  });
});

describe('the observability stack', () => {
  const slo = () => templates.get(observability)!;

  it('alarms when the saga success rate falls under the stage’s objective, only with enough sagas', () => {
    const { sagaSuccessRatePercent, sagaMinStarts } = loadConfig({ STAGE: 'dev' }).stageDefaults.slo;
    const successRate = { capture: new Capture() };
    slo().hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold',
      Threshold: sagaSuccessRatePercent,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: successRate.capture }),
        Match.objectLike({
          Id: 'succeeded',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: 'CommerceForge', MetricName: 'SagaSucceeded' }),
          }),
        }),
      ]),
      AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp(topicLogicalId) }],
    });
    // The rate is of the sagas that ended in the period (as the local CloudWatch evaluates it): sagas that
    // start in one period and end in the next are slow, not failed.
    const series = (points: Record<number, number>): Series =>
      new Map(Object.entries(points).map(([at, value]) => [Number(at), value]));
    const rate = evaluateExpression(
      successRate.capture.asString(),
      new Map([
        // Period 1: 9 succeeded, 3 compensated. Period 2: 12 succeeded (started earlier), none compensated.
        // Period 3: too few ended to judge.
        ['succeeded', series({ 1: 9, 2: 12, 3: sagaMinStarts - 1 })],
        ['compensated', series({ 1: 3 })],
        ['failed', series({})],
      ]),
    );
    expect(rate.get(1)).toBe(75);
    expect(rate.get(2)).toBe(100);
    expect(rate.get(3)).toBeUndefined();
  });

  it('alarms on the p99 of orders’ Commands (placeOrder), a breaker opening, and throttles', () => {
    const { placeOrderP99Millis, lambdaThrottles } = loadConfig({ STAGE: 'dev' }).stageDefaults.slo;
    slo().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: placeOrderP99Millis,
      Dimensions: [
        { Name: 'FunctionName', Value: { 'Fn::ImportValue': Match.stringLikeRegexp('Orders.*Commands') } },
      ],
    });
    for (const [circuit, service] of [
      ['payment-provider', 'payments'],
      ['carrier', 'shipping'],
    ]) {
      slo().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'CommerceForge',
        MetricName: 'CircuitBreakerOpened',
        Dimensions: Match.arrayWith([
          { Name: 'circuit', Value: circuit },
          { Name: 'service', Value: service },
        ]),
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    }
    slo().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Threshold: lambdaThrottles,
      Dimensions: Match.absent(),
    });
  });

  it('takes the stage’s thresholds: prod holds a stricter objective than dev', () => {
    const dev = loadConfig({ STAGE: 'dev' }).stageDefaults.slo;
    const prod = loadConfig({ STAGE: 'prod' }).stageDefaults.slo;
    expect(prod.sagaSuccessRatePercent).toBeGreaterThan(dev.sagaSuccessRatePercent);
    expect(prod.placeOrderP99Millis).toBeLessThan(dev.placeOrderP99Millis);
  });

  it('saves the four Logs Insights queries over every function’s log group', () => {
    const functionLogGroups = stacks.flatMap((s) =>
      s.node
        .findAll()
        .filter((c): c is ServiceFunction => c instanceof ServiceFunction)
        .map((fn) => fn.logGroup),
    );
    const definitions = slo().findResources('AWS::Logs::QueryDefinition');
    expect(Object.values(definitions).map((d) => d.Properties.Name)).toEqual(
      expect.arrayContaining(Object.keys(QUERIES).map((name) => `commerceforge-dev/${name}`)),
    );
    for (const definition of Object.values(definitions)) {
      expect(definition.Properties.LogGroupNames).toHaveLength(functionLogGroups.length);
    }
    slo().hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'commerceforge-dev/order-story',
      QueryString: Match.stringLikeRegexp(`filter correlation_id = "${CORRELATION_ID_PLACEHOLDER}"`),
    });
  });

  it('groups the platform’s traces in X-Ray with insights on', () => {
    slo().hasResourceProperties('AWS::XRay::Group', {
      GroupName: 'commerceforge-dev',
      FilterExpression: Match.stringLikeRegexp('annotation.Service = "orders" OR .*"saga"'),
      InsightsConfiguration: { InsightsEnabled: true, NotificationsEnabled: true },
    });
  });
});
