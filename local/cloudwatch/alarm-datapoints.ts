/**
 * The datapoints an alarm is judged on, for each kind of alarm the local CloudWatch evaluates: one metric with
 * a statistic (`Statistic`, or a percentile `ExtendedStatistic` such as `p99`), or metric math (`Metrics`: metric
 * stats and one arithmetic expression that returns data, as `metric-math.ts` runs them). Each is the last
 * `evaluationPeriods` periods ending now, oldest first; `undefined` where a period has no data.
 */
import type { AlarmDefinition } from './alarms.js';
import { evaluateExpression, type Series } from './metric-math.js';
import type { Dimension, MetricStore } from './metrics.js';

type Datapoints = Array<{ timestamp: number; value: number | undefined }>;

interface MathQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly ReturnData?: boolean | string;
  readonly MetricStat?: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions?: Dimension[];
    };
    readonly Period: number;
    readonly Stat: string;
  };
}

export function alarmDatapoints(
  store: MetricStore,
  definition: AlarmDefinition,
  periodMs: number,
  now: number,
): Datapoints {
  const count = definition.evaluationPeriods;
  if (!definition.metrics) {
    return store.periods(
      {
        namespace: definition.namespace!,
        metricName: definition.metricName!,
        dimensions: definition.dimensions,
      },
      (definition.statistic ?? definition.extendedStatistic)!,
      periodMs,
      count,
      now,
    );
  }
  const queries = definition.metrics as MathQuery[];
  const byId = new Map<string, Series>();
  let timestamps: number[] = [];
  for (const query of queries) {
    if (!query.MetricStat) continue;
    const { Metric, Stat } = query.MetricStat;
    const points = store.periods(
      { namespace: Metric.Namespace, metricName: Metric.MetricName, dimensions: Metric.Dimensions ?? [] },
      Stat,
      periodMs,
      count,
      now,
    );
    timestamps = points.map((p) => p.timestamp);
    byId.set(
      query.Id,
      new Map(points.filter((p) => p.value !== undefined).map((p) => [p.timestamp, p.value!])),
    );
  }
  const returned = queries.find(
    (q) => q.ReturnData === undefined || q.ReturnData === true || q.ReturnData === 'true',
  );
  const series = returned?.Expression
    ? evaluateExpression(returned.Expression, byId)
    : byId.get(returned?.Id ?? '');
  return timestamps.map((timestamp) => ({ timestamp, value: series?.get(timestamp) }));
}

/** The period of a metric-math alarm: its metric stats' (they share one), in seconds. */
export function mathPeriod(definition: AlarmDefinition): number | undefined {
  for (const query of (definition.metrics ?? []) as MathQuery[])
    if (query.MetricStat?.Period) return Number(query.MetricStat.Period);
  return undefined;
}
