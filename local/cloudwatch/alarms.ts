/**
 * The templates' `AWS::CloudWatch::Alarm` resources as the local CloudWatch runs them: the resolved properties
 * (the physical name CloudFormation would generate when `AlarmName` is absent) and the alarm's live state.
 * Metric alarms with a statistic or a percentile, and metric-math alarms whose expression is arithmetic over
 * metric stats, are evaluated; anomaly detection and other math (SEARCH, METRICS()...) are kept, marked
 * unsupported: they stay INSUFFICIENT_DATA, saying why.
 */
import type { CloudModel } from '../assembly/model.js';
import {
  type AlarmStateValue,
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  TREAT_MISSING_DATA,
  type TreatMissingData,
} from './evaluate.js';
import { evaluateExpression } from './metric-math.js';
import { type Dimension, parseStatistic, STATISTICS, type Statistic } from './metrics.js';

export interface AlarmDefinition {
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly alarmDescription?: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: readonly Dimension[];
  readonly statistic?: Statistic;
  readonly extendedStatistic?: string;
  readonly unit?: string;
  /** Seconds, as the template says (the local evaluation may use a shorter one). */
  readonly period?: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly threshold?: number;
  readonly comparisonOperator: string;
  readonly treatMissingData?: string;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
  /** The metric-math queries of a `Metrics` alarm, as the template gives them. */
  readonly metrics?: readonly unknown[];
  /** Why the local CloudWatch cannot evaluate this alarm, if it cannot. */
  readonly unsupported?: string;
}

export interface AlarmStatus {
  state: AlarmStateValue;
  reason: string;
  reasonData?: string;
  /** Epoch ms. */
  updatedAt: number;
  transitionedAt: number;
  actionsEnabled: boolean;
}

export interface LocalAlarm {
  readonly definition: AlarmDefinition;
  readonly configuredAt: number;
  readonly status: AlarmStatus;
}

export function alarmsFromModel(model: CloudModel): AlarmDefinition[] {
  return model.resources('AWS::CloudWatch::Alarm').map((resource) => {
    const props = model.properties(resource);
    const identity = model.identity(resource);
    return alarmDefinition(identity.name, identity.arn, props);
  });
}

export function alarmDefinition(name: string, arn: string, props: Record<string, unknown>): AlarmDefinition {
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const number = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));
  const statistic = props.Statistic as string | undefined;
  const definition: AlarmDefinition = {
    alarmName: name,
    alarmArn: arn,
    ...(typeof props.AlarmDescription === 'string' ? { alarmDescription: props.AlarmDescription } : {}),
    ...(props.Namespace !== undefined ? { namespace: String(props.Namespace) } : {}),
    ...(props.MetricName !== undefined ? { metricName: String(props.MetricName) } : {}),
    dimensions: ((props.Dimensions as Array<{ Name: unknown; Value: unknown }> | undefined) ?? []).map(
      (d) => ({ Name: String(d.Name), Value: String(d.Value) }),
    ),
    ...(statistic !== undefined ? { statistic: statistic as Statistic } : {}),
    ...(props.ExtendedStatistic !== undefined ? { extendedStatistic: String(props.ExtendedStatistic) } : {}),
    ...(props.Unit !== undefined ? { unit: String(props.Unit) } : {}),
    ...(props.Period !== undefined ? { period: Number(props.Period) } : {}),
    evaluationPeriods: Number(props.EvaluationPeriods ?? 1),
    ...(number(props.DatapointsToAlarm) !== undefined
      ? { datapointsToAlarm: number(props.DatapointsToAlarm)! }
      : {}),
    ...(number(props.Threshold) !== undefined ? { threshold: number(props.Threshold)! } : {}),
    comparisonOperator: String(props.ComparisonOperator ?? ''),
    ...(props.TreatMissingData !== undefined ? { treatMissingData: String(props.TreatMissingData) } : {}),
    actionsEnabled: props.ActionsEnabled === undefined ? true : String(props.ActionsEnabled) !== 'false',
    alarmActions: strings(props.AlarmActions),
    okActions: strings(props.OKActions),
    insufficientDataActions: strings(props.InsufficientDataActions),
    ...(Array.isArray(props.Metrics) ? { metrics: props.Metrics } : {}),
  };
  const unsupported = whyUnsupported(definition);
  return unsupported ? { ...definition, unsupported } : definition;
}

function whyUnsupported(alarm: AlarmDefinition): string | undefined {
  if (!COMPARISON_OPERATORS.includes(alarm.comparisonOperator as ComparisonOperator))
    return `the comparison operator ${alarm.comparisonOperator} (anomaly detection) is not evaluated locally`;
  if (alarm.metrics) {
    const why = whyMathUnsupported(alarm.metrics);
    if (why) return why;
    if (alarm.threshold === undefined) return 'the alarm has no threshold';
  } else {
    if (alarm.extendedStatistic && !/^p\d{1,2}(\.\d+)?$/.test(alarm.extendedStatistic))
      return `the extended statistic ${alarm.extendedStatistic} is not evaluated locally (percentiles pNN are)`;
    if (!alarm.extendedStatistic && (!alarm.statistic || !STATISTICS.includes(alarm.statistic)))
      return `the statistic ${alarm.statistic} is unknown`;
    if (!alarm.namespace || !alarm.metricName || !alarm.period || alarm.threshold === undefined)
      return 'the alarm names no metric, period or threshold';
  }
  if (alarm.treatMissingData && !TREAT_MISSING_DATA.includes(alarm.treatMissingData as TreatMissingData))
    return `TreatMissingData ${alarm.treatMissingData} is unknown`;
  return undefined;
}

/** Why a `Metrics` alarm cannot be evaluated locally: a stat it does not know, or an expression it cannot run. */
function whyMathUnsupported(metrics: readonly unknown[]): string | undefined {
  const queries = metrics as Array<{
    Id?: string;
    Expression?: string;
    MetricStat?: { Stat?: string; Period?: number };
  }>;
  const ids = new Map<string, Map<number, number>>();
  for (const query of queries) {
    if (query.MetricStat) {
      if (!query.MetricStat.Stat || !parseStatistic(query.MetricStat.Stat))
        return `the statistic ${query.MetricStat.Stat} of query ${query.Id} is not evaluated locally`;
      ids.set(String(query.Id), new Map());
    }
  }
  for (const query of queries) {
    if (query.Expression === undefined) continue;
    try {
      evaluateExpression(query.Expression, ids);
    } catch (error) {
      return `metric math beyond arithmetic is not evaluated locally: ${(error as Error).message}`;
    }
  }
  return undefined;
}
