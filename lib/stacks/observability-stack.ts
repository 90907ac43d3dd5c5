import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as xray from 'aws-cdk-lib/aws-xray';
import {
  type CustomMetricGroup,
  DefaultDashboardFactory,
  MonitoringFacade,
  SingleWidgetDashboardSegment,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import type { Construct } from 'constructs';
import { BREAKER_METRICS } from '../../functions/kernel/resilience/observability.js';
import type { CircuitName } from '../../functions/kernel/resilience/settings.js';
import type { PlatformConfig } from '../config.js';
import type { Saga } from '../constructs/saga/index.js';
import { METRICS_NAMESPACE, type ServiceFunction } from '../constructs/service-function.js';
import { observabilityQueries, type QueryName } from './observability/queries.js';
import type { PlatformStack } from './platform-stack.js';

/** Sagas that ended (succeeded, compensated or failed) in a period; a missing count is 0. */
const SAGAS_ENDED = '(FILL(succeeded, 0) + FILL(compensated, 0) + FILL(failed, 0))';

/**
 * Which service's functions hold each circuit breaker: the breaker's metrics (functions/kernel/resilience,
 * `CircuitBreakerOpened`: Count, 1 per transition to OPEN, namespace `CommerceForge`) carry the dimensions
 * `circuit` and `service` (Powertools' default: the emitting function's service). A new circuit does not
 * compile until it is owned here.
 */
export const CIRCUIT_OWNERS: Record<CircuitName, string> = {
  'payment-provider': 'payments',
  carrier: 'shipping',
};

export interface ObservabilityStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly platform: PlatformStack;
  /** The saga whose success rate is an objective. */
  readonly orderFulfillment: Saga;
  /** Orders' Commands: what placeOrder waits for (its resolver only adds a hop). */
  readonly orderCommands: ServiceFunction;
  /** Every function's log group, for the saved queries. */
  readonly logGroups: readonly logs.ILogGroup[];
  /** The per-service dashboards' names, linked from the overview. */
  readonly serviceDashboards: readonly string[];
  /** Every Powertools service name (`orders`, `saga`, ...): the X-Ray group matches their traces. */
  readonly services: readonly string[];
}

/**
 * What a person on call opens first: the overview dashboard, the SLO alarms (to the platform's alarm topic),
 * the saved Logs Insights queries and the X-Ray group. It reads the other stacks and nothing reads it, so it
 * deploys last and adds no cycle; the per-service dashboards live in the stacks they watch (StackMonitoring).
 */
export class ObservabilityStack extends Stack {
  public readonly facade: MonitoringFacade;
  public readonly sloAlarms: Record<string, cloudwatch.Alarm> = {};
  public readonly queries: Record<QueryName, logs.QueryDefinition>;
  public readonly traceGroup: xray.CfnGroup;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config, orderFulfillment: saga } = props;
    const slo = config.stageDefaults.slo;
    const prefix = `commerceforge-${config.stage}`;
    const dashboardPrefix = `CommerceForge-${config.stage}-Overview`;
    const period = Duration.minutes(5);

    this.facade = new MonitoringFacade(this, 'Overview', {
      alarmFactoryDefaults: {
        actionsEnabled: true,
        alarmNamePrefix: prefix,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: props.platform.alarmTopic }),
      },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: dashboardPrefix,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: true,
      }),
    });
    this.facade.addSegment(
      new SingleWidgetDashboardSegment(
        new cloudwatch.TextWidget({
          width: 24,
          height: 4,
          markdown: [
            `# CommerceForge ${config.stage}`,
            `Per service: ${props.serviceDashboards.map((d) => `\`${d}\``).join(', ')}.`,
            `Saved queries: Logs Insights → \`${prefix}/\` (order-story: put the correlation id in).`,
            `Traces: X-Ray group \`${prefix}\`. SLO alarms: \`${prefix}-slo-*\` (the ${dashboardPrefix}-Alarms dashboard).`,
          ].join('\n\n'),
        }),
      ),
    );

    const threshold = (
      value: number,
      comparisonOperator: cloudwatch.ComparisonOperator,
      additionalDescription: string,
    ) => ({
      Critical: {
        threshold: value,
        comparisonOperator,
        // No traffic is no datapoint: quiet, not failing.
        treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        additionalDescription,
      },
    });
    const groups: CustomMetricGroup[] = [
      {
        title: 'Saga success rate (%)',
        important: true,
        metrics: [
          {
            // Of the sagas that ended in the period, not of those that started: a saga that starts in one period and
            // ends in the next (slow, not failing: PlaceOrderP99 and the saga duration watch that) must not count as
            // a failure. No datapoint (not 0%) while too few sagas ended to judge.
            metric: new cloudwatch.MathExpression({
              expression: `IF(${SAGAS_ENDED} >= ${slo.sagaMinStarts}, 100 * FILL(succeeded, 0) / ${SAGAS_ENDED})`,
              usingMetrics: {
                succeeded: saga.metric('SagaSucceeded', { period }),
                compensated: saga.metric('SagaCompensated', { period }),
                failed: saga.metric('SagaCompensationFailed', { period }),
              },
              label: `${saga.sagaName} success rate`,
              period,
            }),
            alarmFriendlyName: 'SagaSuccessRate',
            addAlarm: threshold(
              slo.sagaSuccessRatePercent,
              cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              `Fewer than ${slo.sagaSuccessRatePercent}% of ${saga.sagaName} sagas succeeded (of at least ${slo.sagaMinStarts} that ended in 5 minutes).`,
            ),
          },
        ],
      },
      {
        title: 'Sagas',
        metrics: (['SagaStarted', 'SagaSucceeded', 'SagaCompensated', 'SagaCompensationFailed'] as const).map(
          (name) => saga.metric(name, { period, label: name }),
        ),
      },
      {
        title: 'placeOrder p99 (orders Commands duration, ms)',
        important: true,
        metrics: [
          {
            metric: props.orderCommands.function.metricDuration({ statistic: 'p99', period }),
            alarmFriendlyName: 'PlaceOrderP99',
            addAlarm: threshold(
              slo.placeOrderP99Millis,
              cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
              `p99 of orders' Commands (placeOrder's work) over ${slo.placeOrderP99Millis} ms in 5 minutes.`,
            ),
          },
        ],
      },
      {
        title: 'Circuit breakers opened',
        important: true,
        metrics: Object.entries(CIRCUIT_OWNERS).map(([circuit, service]) => ({
          metric: new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: BREAKER_METRICS.opened,
            dimensionsMap: { service, circuit },
            statistic: 'Sum',
            period: Duration.minutes(1),
          }),
          alarmFriendlyName: `CircuitOpen-${circuit}`,
          addAlarm: threshold(
            1,
            cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            `The ${circuit} circuit opened: calls to it are refused until a probe succeeds.`,
          ),
        })),
      },
      {
        title: 'Lambda (account, region)',
        metrics: [
          {
            metric: lambdaMetric('Throttles', period),
            alarmFriendlyName: 'LambdaThrottles',
            addAlarm: threshold(
              slo.lambdaThrottles,
              cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
              `${slo.lambdaThrottles} or more Lambda invocations throttled in 5 minutes (account concurrency or a bulkhead).`,
            ),
          },
          lambdaMetric('Errors', period),
          lambdaMetric('Invocations', period),
        ],
      },
      {
        title: 'EventBridge deliveries (all rules)',
        metrics: ['Invocations', 'FailedInvocations', 'InvocationsFailedToBeSentToDlq'].map(
          (metricName) =>
            new cloudwatch.Metric({ namespace: 'AWS/Events', metricName, statistic: 'Sum', period }),
        ),
      },
    ];
    this.facade.monitorCustom({
      humanReadableName: 'Service-level objectives',
      alarmFriendlyName: 'slo',
      metricGroups: groups,
    });
    for (const { alarm, alarmName } of this.facade.createdAlarms()) {
      if (alarm instanceof cloudwatch.Alarm) this.sloAlarms[alarmName] = alarm;
    }

    this.queries = observabilityQueries(this, { prefix, logGroups: props.logGroups });

    // Every trace a CommerceForge function took part in (the kernel annotates `Service` on each), with
    // X-Ray Insights looking for anomalies in them.
    this.traceGroup = new xray.CfnGroup(this, 'Traces', {
      groupName: prefix,
      filterExpression: traceFilter(props.services),
      insightsConfiguration: { insightsEnabled: true, notificationsEnabled: true },
    });
  }
}

function lambdaMetric(metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, statistic: 'Sum', period });
}

/** An X-Ray filter expression matching a trace annotated with any of the services. */
export function traceFilter(services: readonly string[]): string {
  return [...new Set(services)].map((s) => `annotation.Service = "${s}"`).join(' OR ');
}
