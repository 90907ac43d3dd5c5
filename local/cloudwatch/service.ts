/**
 * The local CloudWatch: the templates' alarms evaluated against the local metric store, their state changes
 * kept as alarm history and acted on (SNS notifications recorded, Lambda actions invoked), and the API on the
 * endpoint (`GraniteServiceVersion20100801.*`; the query protocol is an adapter on top, query-protocol.ts).
 * Results are in the JSON protocol's shape: timestamps in epoch seconds.
 */
import type { AwsJsonService } from '../core/aws-service.js';
import { alarmDatapoints, mathPeriod } from './alarm-datapoints.js';
import type { AlarmDefinition, LocalAlarm } from './alarms.js';
import {
  alarmNotFound,
  invalidFormat,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
  unknownOperation,
} from './errors.js';
import { type AlarmStateValue, type EvaluationRule, evaluateAlarm } from './evaluate.js';
import {
  boundedInteger,
  datapointOf,
  epochMs,
  names,
  optionalString,
  paginate,
  requiredString,
  seconds,
} from './input.js';
import { getMetricData, getMetricStatistics, listMetrics } from './metric-data.js';
import { type Datapoint, type Dimension, MetricStore } from './metrics.js';

type Json = Record<string, unknown>;

export interface AlarmHistoryItem {
  readonly AlarmName: string;
  readonly AlarmType: 'MetricAlarm';
  /** Epoch ms. */
  readonly timestamp: number;
  readonly HistoryItemType: 'ConfigurationUpdate' | 'StateUpdate' | 'Action';
  readonly HistorySummary: string;
  readonly HistoryData: string;
}

export interface AlarmTransition {
  readonly alarm: LocalAlarm;
  readonly oldState: AlarmStateValue;
  readonly newState: AlarmStateValue;
  readonly reason: string;
  /** Epoch ms. */
  readonly at: number;
}

export interface CloudWatchServiceOptions {
  /** Evaluates every alarm with this period (seconds) instead of its own: a shorter local minute. */
  readonly periodSeconds?: number;
  /** Called once per state change, after it is recorded (the plugin logs it and runs the alarm's actions). */
  readonly onTransition?: (transition: AlarmTransition) => void;
  readonly now?: () => number;
}

const STATES: readonly AlarmStateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
const HISTORY_LIMIT = 10_000;

export class CloudWatchService implements AwsJsonService {
  readonly targetPrefix = 'GraniteServiceVersion20100801';
  readonly signingName = 'monitoring';
  readonly metrics = new MetricStore();
  readonly alarms = new Map<string, LocalAlarm>();
  readonly history: AlarmHistoryItem[] = [];
  /** When each alarm is evaluated next (epoch ms): once per its period, as CloudWatch does. */
  private readonly due = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    definitions: readonly AlarmDefinition[],
    private readonly options: CloudWatchServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const at = this.now();
    for (const definition of definitions) {
      this.alarms.set(definition.alarmName, {
        definition,
        configuredAt: at,
        status: {
          state: 'INSUFFICIENT_DATA',
          reason: definition.unsupported
            ? `Unsupported locally: ${definition.unsupported}.`
            : 'Unchecked: Initial alarm creation',
          updatedAt: at,
          transitionedAt: at,
          actionsEnabled: definition.actionsEnabled,
        },
      });
      this.metrics.retainAtLeast(2 * this.periodMs(definition) * definition.evaluationPeriods);
      this.record(
        definition.alarmName,
        at,
        'ConfigurationUpdate',
        `Alarm "${definition.alarmName}" created`,
        {
          type: 'Create',
          version: '1.0',
        },
      );
    }
  }

  /** The period an alarm is evaluated with locally, in ms. */
  periodMs(definition: AlarmDefinition): number {
    return (this.options.periodSeconds ?? definition.period ?? mathPeriod(definition) ?? 60) * 1000;
  }

  /**
   * Evaluates the alarms that are due (each once per its period, so a state set by `SetAlarmState` holds until
   * the next one, as in CloudWatch); returns the number of state changes.
   */
  evaluate(now = this.now()): number {
    let changes = 0;
    for (const alarm of this.alarms.values()) {
      const { definition } = alarm;
      if (definition.unsupported) continue;
      const periodMs = this.periodMs(definition);
      if ((this.due.get(definition.alarmName) ?? 0) > now) continue;
      this.due.set(definition.alarmName, now + periodMs);
      const datapoints = alarmDatapoints(this.metrics, definition, periodMs, now);
      const evaluation = evaluateAlarm(
        definition as EvaluationRule & AlarmDefinition,
        datapoints,
        alarm.status.state,
      );
      if (evaluation.state === alarm.status.state) continue;
      const reasonData = JSON.stringify({
        version: '1.0',
        queryDate: new Date(now).toISOString(),
        startDate: new Date(now - periodMs * definition.evaluationPeriods).toISOString(),
        statistic: definition.statistic ?? definition.extendedStatistic,
        period: periodMs / 1000,
        recentDatapoints: evaluation.recentDatapoints,
        threshold: definition.threshold,
        evaluatedDatapoints: datapoints
          .filter((point) => point.value !== undefined)
          .reverse()
          .map((point) => ({ timestamp: new Date(point.timestamp).toISOString(), value: point.value })),
      });
      this.transition(alarm, evaluation.state, evaluation.reason, reasonData, now);
      changes += 1;
    }
    this.metrics.prune(now);
    return changes;
  }

  /** Datapoints from another part of the local cloud (no namespace check: it may write `AWS/...`). */
  putDatapoint(
    namespace: string,
    metricName: string,
    dimensions: readonly Dimension[],
    point: Datapoint,
  ): void {
    this.metrics.put({ namespace, metricName, dimensions }, point);
  }

  async handle(operation: string, body: unknown): Promise<unknown> {
    const input = (body ?? {}) as Json;
    switch (operation) {
      case 'DescribeAlarms':
        return this.describeAlarms(input);
      case 'DescribeAlarmHistory':
        return this.describeAlarmHistory(input);
      case 'SetAlarmState':
        return this.setAlarmState(input);
      case 'PutMetricData':
        return this.putMetricData(input);
      case 'GetMetricData':
        return getMetricData(this.metrics, input);
      case 'GetMetricStatistics':
        return getMetricStatistics(this.metrics, input);
      case 'ListMetrics':
        return listMetrics(this.metrics, input);
      case 'EnableAlarmActions':
      case 'DisableAlarmActions':
        for (const name of names(input.AlarmNames)) {
          const alarm = this.alarms.get(name);
          if (alarm) alarm.status.actionsEnabled = operation === 'EnableAlarmActions';
        }
        return {};
      default:
        throw unknownOperation(operation);
    }
  }

  private describeAlarms(input: Json): Json {
    const alarmNames = names(input.AlarmNames);
    const prefix = optionalString(input.AlarmNamePrefix);
    if (alarmNames.length > 0 && prefix !== undefined)
      throw invalidParameterCombination('AlarmNames and AlarmNamePrefix cannot be specified together.');
    if (alarmNames.length > 100) throw invalidParameterValue('AlarmNames has more than 100 names.');
    const stateValue = optionalString(input.StateValue);
    if (stateValue !== undefined && !STATES.includes(stateValue as AlarmStateValue))
      throw invalidParameterValue(`The value ${stateValue} for parameter StateValue is invalid.`);
    const actionPrefix = optionalString(input.ActionPrefix);
    const types = names(input.AlarmTypes);
    const maxRecords = boundedInteger(input.MaxRecords, 'MaxRecords', 1, 100, 50);
    const selected = [...this.alarms.values()]
      .filter(({ definition: d, status }) => {
        if (types.length > 0 && !types.includes('MetricAlarm')) return false;
        if (alarmNames.length > 0 && !alarmNames.includes(d.alarmName)) return false;
        if (prefix !== undefined && !d.alarmName.startsWith(prefix)) return false;
        if (stateValue !== undefined && status.state !== stateValue) return false;
        if (
          actionPrefix !== undefined &&
          ![...d.alarmActions, ...d.okActions, ...d.insufficientDataActions].some((a) =>
            a.startsWith(actionPrefix),
          )
        )
          return false;
        return true;
      })
      .sort((a, b) => a.definition.alarmName.localeCompare(b.definition.alarmName));
    const { page, nextToken } = paginate(selected, input.NextToken, maxRecords);
    return {
      MetricAlarms: page.map((alarm) => this.metricAlarm(alarm)),
      CompositeAlarms: [],
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  private metricAlarm({ definition: d, status, configuredAt }: LocalAlarm): Json {
    return {
      AlarmName: d.alarmName,
      AlarmArn: d.alarmArn,
      ...(d.alarmDescription !== undefined ? { AlarmDescription: d.alarmDescription } : {}),
      AlarmConfigurationUpdatedTimestamp: seconds(configuredAt),
      ActionsEnabled: status.actionsEnabled,
      OKActions: d.okActions,
      AlarmActions: d.alarmActions,
      InsufficientDataActions: d.insufficientDataActions,
      StateValue: status.state,
      StateReason: status.reason,
      ...(status.reasonData !== undefined ? { StateReasonData: status.reasonData } : {}),
      StateUpdatedTimestamp: seconds(status.updatedAt),
      ...(d.metricName !== undefined ? { MetricName: d.metricName } : {}),
      ...(d.namespace !== undefined ? { Namespace: d.namespace } : {}),
      ...(d.statistic !== undefined ? { Statistic: d.statistic } : {}),
      ...(d.extendedStatistic !== undefined ? { ExtendedStatistic: d.extendedStatistic } : {}),
      Dimensions: d.dimensions,
      ...(d.period !== undefined ? { Period: d.period } : {}),
      ...(d.unit !== undefined ? { Unit: d.unit } : {}),
      EvaluationPeriods: d.evaluationPeriods,
      ...(d.datapointsToAlarm !== undefined ? { DatapointsToAlarm: d.datapointsToAlarm } : {}),
      ...(d.threshold !== undefined ? { Threshold: d.threshold } : {}),
      ComparisonOperator: d.comparisonOperator,
      ...(d.treatMissingData !== undefined ? { TreatMissingData: d.treatMissingData } : {}),
      ...(d.metrics ? { Metrics: d.metrics } : {}),
      StateTransitionedTimestamp: seconds(status.transitionedAt),
    };
  }

  private describeAlarmHistory(input: Json): Json {
    const alarmName = optionalString(input.AlarmName);
    const itemType = optionalString(input.HistoryItemType);
    if (itemType !== undefined && !['ConfigurationUpdate', 'StateUpdate', 'Action'].includes(itemType))
      throw invalidParameterValue(`The value ${itemType} for parameter HistoryItemType is invalid.`);
    const start = input.StartDate === undefined ? undefined : epochMs(input.StartDate, 'StartDate');
    const end = input.EndDate === undefined ? undefined : epochMs(input.EndDate, 'EndDate');
    const scanBy = optionalString(input.ScanBy) ?? 'TimestampDescending';
    if (!['TimestampDescending', 'TimestampAscending'].includes(scanBy))
      throw invalidParameterValue(`The value ${scanBy} for parameter ScanBy is invalid.`);
    const types = names(input.AlarmTypes);
    const maxRecords = boundedInteger(input.MaxRecords, 'MaxRecords', 1, 100, 100);
    const items = this.history.filter(
      (item) =>
        (alarmName === undefined || item.AlarmName === alarmName) &&
        (itemType === undefined || item.HistoryItemType === itemType) &&
        (start === undefined || item.timestamp >= start) &&
        (end === undefined || item.timestamp <= end) &&
        (types.length === 0 || types.includes('MetricAlarm')),
    );
    if (scanBy === 'TimestampDescending') items.reverse();
    const { page, nextToken } = paginate(items, input.NextToken, maxRecords);
    return {
      AlarmHistoryItems: page.map(({ timestamp, ...item }) => ({ ...item, Timestamp: seconds(timestamp) })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  private setAlarmState(input: Json): Json {
    const name = requiredString(input.AlarmName, 'AlarmName');
    const state = requiredString(input.StateValue, 'StateValue');
    const reason = requiredString(input.StateReason, 'StateReason');
    if (!STATES.includes(state as AlarmStateValue))
      throw invalidParameterValue(`The value ${state} for parameter StateValue is invalid.`);
    const reasonData = optionalString(input.StateReasonData);
    if (reasonData !== undefined) {
      try {
        JSON.parse(reasonData);
      } catch {
        throw invalidFormat('Invalid JSON for parameter StateReasonData.');
      }
    }
    const alarm = this.alarms.get(name);
    if (!alarm) throw alarmNotFound(name);
    if (alarm.status.state !== state)
      this.transition(alarm, state as AlarmStateValue, reason, reasonData, this.now());
    return {};
  }

  private putMetricData(input: Json): Json {
    const namespace = requiredString(input.Namespace, 'Namespace');
    if (namespace.startsWith('AWS/') || namespace.startsWith(':'))
      throw invalidParameterValue(`The value ${namespace} for parameter Namespace is invalid.`);
    const data = input.MetricData;
    if (!Array.isArray(data) || data.length === 0) throw missingParameter('MetricData');
    if (data.length > 1000) throw invalidParameterValue('MetricData has more than 1000 members.');
    const now = this.now();
    const points = (data as Json[]).map((datum, i) => {
      const metricName = requiredString(datum.MetricName, `MetricData.member.${i + 1}.MetricName`);
      const dimensions = ((datum.Dimensions ?? []) as Json[]).map((d) => ({
        Name: requiredString(d.Name, 'Dimensions.member.N.Name'),
        Value: requiredString(d.Value, 'Dimensions.member.N.Value'),
      }));
      if (dimensions.length > 30) throw invalidParameterValue('A metric has more than 30 dimensions.');
      const timestamp = datum.Timestamp === undefined ? now : epochMs(datum.Timestamp, 'Timestamp');
      return { metricName, dimensions, point: datapointOf(datum, timestamp, i) };
    });
    for (const { metricName, dimensions, point } of points)
      this.putDatapoint(namespace, metricName, dimensions, point);
    return {};
  }

  private transition(
    alarm: LocalAlarm,
    state: AlarmStateValue,
    reason: string,
    reasonData: string | undefined,
    at: number,
  ) {
    const oldState = alarm.status.state;
    const oldReason = alarm.status.reason;
    Object.assign(alarm.status, { state, reason, reasonData, updatedAt: at, transitionedAt: at });
    const name = alarm.definition.alarmName;
    this.record(name, at, 'StateUpdate', `Alarm updated from ${oldState} to ${state}`, {
      version: '1.0',
      oldState: { stateValue: oldState, stateReason: oldReason },
      newState: {
        stateValue: state,
        stateReason: reason,
        ...(reasonData !== undefined ? { stateReasonData: JSON.parse(reasonData) } : {}),
      },
    });
    this.options.onTransition?.({ alarm, oldState, newState: state, reason, at });
  }

  /** Keeps an item of the alarm's history (an action's outcome, from the plugin). */
  record(
    alarmName: string,
    at: number,
    type: AlarmHistoryItem['HistoryItemType'],
    summary: string,
    data: Json,
  ): void {
    this.history.push({
      AlarmName: alarmName,
      AlarmType: 'MetricAlarm',
      timestamp: at,
      HistoryItemType: type,
      HistorySummary: summary,
      HistoryData: JSON.stringify(data),
    });
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
  }
}
