import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.js';

/**
 * How a new version takes traffic from the old one:
 * - `canary`: 10% for 5 minutes, then the rest;
 * - `linear`: 10% more every minute;
 * - `blue-green`: all at once, watched by the alarms: an alarm moves the alias back to the old version
 *   (still published, so the rollback is one pointer move);
 * - `all-at-once`: all at once, alarms wired but ignored (rolled back only if the deployment itself fails,
 *   e.g. the pre-traffic hook): where alarms fire on purpose (game days on dev), an alarm left in ALARM would
 *   otherwise block the deploy of the fix.
 */
export const DEPLOYMENT_STRATEGIES = ['canary', 'linear', 'blue-green', 'all-at-once'] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/** What the alarms on a `live` alias hold a new version to, while traffic shifts. */
export interface DeploymentAlarmThresholds {
  /** Function errors through the alias in one minute that alarm. */
  readonly errors: number;
  /** Throttles through the alias in one minute that alarm. */
  readonly throttles: number;
  /** p99 duration over one minute, in percent of the function's timeout, that alarms. */
  readonly p99TimeoutPercent: number;
}

/** CodeDeploy's predefined Lambda configuration for a strategy. */
export function lambdaDeploymentConfig(strategy: DeploymentStrategy): codedeploy.ILambdaDeploymentConfig {
  switch (strategy) {
    case 'canary':
      return codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES;
    case 'linear':
      return codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE;
    case 'blue-green':
    case 'all-at-once':
      return codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE;
    default:
      return assertNever(strategy);
  }
}

/**
 * A Step Functions alias's `DeploymentPreference` for a strategy (the same shapes as Lambda's; alarms by
 * name, as Step Functions wants them). Step Functions has no "ignore alarms": all-at-once passes none.
 */
export function stateMachineDeploymentPreference(
  strategy: DeploymentStrategy,
  stateMachineVersionArn: string,
  alarmNames: readonly string[],
): sfn.CfnStateMachineAlias.DeploymentPreferenceProperty {
  const alarms = strategy === 'all-at-once' || alarmNames.length === 0 ? {} : { alarms: [...alarmNames] };
  switch (strategy) {
    case 'canary':
      return { stateMachineVersionArn, type: 'CANARY', percentage: 10, interval: 5, ...alarms };
    case 'linear':
      return { stateMachineVersionArn, type: 'LINEAR', percentage: 10, interval: 1, ...alarms };
    case 'blue-green':
    case 'all-at-once':
      return { stateMachineVersionArn, type: 'ALL_AT_ONCE', ...alarms };
    default:
      return assertNever(strategy);
  }
}

export interface LiveDeploymentProps {
  /** The function whose `live` alias CodeDeploy shifts. */
  readonly function: ServiceFunction;
  /** One application holds a stack's deployment groups. */
  readonly application: codedeploy.ILambdaApplication;
  readonly strategy: DeploymentStrategy;
  readonly thresholds: DeploymentAlarmThresholds;
  /**
   * Invoked by CodeDeploy before any traffic moves; it must report with
   * `codedeploy:PutLifecycleEventHookExecutionStatus` (granted here). @default - none
   */
  readonly preHook?: lambda.IFunction;
  /** Where the alarms notify as well (a rollback is news to whoever is on call). @default - no action */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * A `live` alias deployed by CodeDeploy: alarms on the alias (errors, throttles, p99 duration) and a
 * `LambdaDeploymentGroup` that shifts traffic by the strategy and rolls back when one fires (unless the
 * strategy is all-at-once, see `DEPLOYMENT_STRATEGIES`) or when the deployment fails.
 */
export class LiveDeployment extends Construct {
  public readonly group: codedeploy.LambdaDeploymentGroup;
  public readonly errorsAlarm: cloudwatch.Alarm;
  public readonly throttlesAlarm: cloudwatch.Alarm;
  public readonly durationAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: LiveDeploymentProps) {
    super(scope, id);
    const { alias, function: fn } = props.function;
    const { thresholds } = props;
    // One-minute periods: a canary lasts 5 minutes, and the alarms must be able to fire inside it.
    const period = Duration.minutes(1);
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, what: string) =>
      new cloudwatch.Alarm(this, name, {
        alarmDescription: `${what} on the live alias of ${props.function.node.path}: a deployment in progress rolls back.`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No invocation is no datapoint: that is not a failing version.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.errorsAlarm = alarm(
      'Errors',
      alias.metricErrors({ period, statistic: 'Sum' }),
      thresholds.errors,
      'Errors',
    );
    this.throttlesAlarm = alarm(
      'Throttles',
      alias.metricThrottles({ period, statistic: 'Sum' }),
      thresholds.throttles,
      'Throttles',
    );
    const timeoutMillis = (fn.timeout ?? Duration.seconds(3)).toMilliseconds();
    this.durationAlarm = alarm(
      'P99Duration',
      alias.metricDuration({ period, statistic: 'p99' }),
      Math.round((timeoutMillis * thresholds.p99TimeoutPercent) / 100),
      `p99 duration above ${thresholds.p99TimeoutPercent}% of the timeout`,
    );

    if (props.alarmTopic) {
      const action = new cwActions.SnsAction(props.alarmTopic);
      for (const a of [this.errorsAlarm, this.throttlesAlarm, this.durationAlarm]) a.addAlarmAction(action);
    }

    const watchAlarms = props.strategy !== 'all-at-once';
    this.group = new codedeploy.LambdaDeploymentGroup(this, 'Group', {
      application: props.application,
      alias,
      deploymentConfig: lambdaDeploymentConfig(props.strategy),
      alarms: [this.errorsAlarm, this.throttlesAlarm, this.durationAlarm],
      ignoreAlarmConfiguration: !watchAlarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: watchAlarms },
      ...(props.preHook ? { preHook: props.preHook } : {}),
    });
    Validations.of(this.group).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]`,
      reason:
        'AWSCodeDeployRoleForLambdaLimited is the managed policy CodeDeploy needs to shift a Lambda alias and invoke its hooks, and no more.',
    });
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown deployment strategy ${String(value)}`);
}
