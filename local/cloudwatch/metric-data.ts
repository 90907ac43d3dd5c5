/**
 * Reading the local metric store as CloudWatch's API does: `GetMetricData` (metric stats with any period and
 * statistic, percentiles included, and arithmetic metric math over them), `GetMetricStatistics` and
 * `ListMetrics`. Periods start at the request's start time rounded down to the period, as CloudWatch's do; a
 * period without data has no datapoint; gauges (queue depths) hold their last sample.
 */
import { invalidParameterCombination, invalidParameterValue, missingParameter } from './errors.js';
import {
  boundedInteger,
  epochMs,
  names,
  optionalString,
  paginate,
  requiredString,
  seconds,
} from './input.js';
import { evaluateExpression, type Series } from './metric-math.js';
import {
  type Datapoint,
  type Dimension,
  type MetricId,
  type MetricStore,
  parseStatistic,
} from './metrics.js';

type Json = Record<string, unknown>;

/** CloudWatch's own cap on the datapoints one GetMetricData call returns. */
const MAX_DATAPOINTS = 100_800;
const MAX_QUERIES = 500;

/** The statistic of each period of `[start, end)` that has data, oldest first. */
export function statisticSeries(
  store: MetricStore,
  id: MetricId,
  stat: (points: readonly Datapoint[]) => number | undefined,
  startMs: number,
  endMs: number,
  periodMs: number,
): Series {
  const series = store.read(id);
  const result: Series = new Map();
  if (!series) return result;
  const from = Math.floor(startMs / periodMs) * periodMs;
  const count = Math.ceil((endMs - from) / periodMs);
  if (count <= 0) return result;
  if (count > MAX_DATAPOINTS) throw invalidParameterValue('The query asks for more than 100,800 datapoints.');
  const buckets = new Map<number, Datapoint[]>();
  let before: Datapoint | undefined;
  for (const point of series.points) {
    if (point.timestamp < from) {
      before = point;
      continue;
    }
    if (point.timestamp >= endMs) break;
    const index = Math.floor((point.timestamp - from) / periodMs);
    let bucket = buckets.get(index);
    if (!bucket) {
      bucket = [];
      buckets.set(index, bucket);
    }
    bucket.push(point);
  }
  if (series.gauge) {
    // A sampled gauge's value holds until the next sample: each period starts with the one in force.
    let held = before;
    for (let index = 0; index < count; index++) {
      const bucket = buckets.get(index);
      if (held) {
        if (bucket) bucket.unshift(held);
        else buckets.set(index, [held]);
      }
      if (bucket) held = bucket.at(-1);
    }
  }
  for (const index of [...buckets.keys()].sort((a, b) => a - b)) {
    const value = stat(buckets.get(index)!);
    if (value !== undefined) result.set(from + index * periodMs, value);
  }
  return result;
}

export function getMetricData(store: MetricStore, input: Json): Json {
  const queries = input.MetricDataQueries;
  if (!Array.isArray(queries) || queries.length === 0) throw missingParameter('MetricDataQueries');
  if (queries.length > MAX_QUERIES)
    throw invalidParameterValue('MetricDataQueries has more than 500 members.');
  const start = epochMs(required(input.StartTime, 'StartTime'), 'StartTime');
  const end = epochMs(required(input.EndTime, 'EndTime'), 'EndTime');
  if (end <= start)
    throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = optionalString(input.ScanBy) ?? 'TimestampDescending';
  if (!['TimestampDescending', 'TimestampAscending'].includes(scanBy))
    throw invalidParameterValue(`The value ${scanBy} for parameter ScanBy is invalid.`);

  const byId = new Map<string, Series>();
  const results: Json[] = [];
  // Metric stats first, then expressions (which may name any other query), in the order given.
  const ordered = [...(queries as Json[])].sort(
    (a, b) => Number(a.Expression !== undefined) - Number(b.Expression !== undefined),
  );
  const ids = new Set<string>();
  for (const query of queries as Json[]) {
    const id = requiredString(query.Id, 'MetricDataQueries.member.N.Id');
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(id))
      throw invalidParameterValue(`The value ${id} for parameter MetricDataQueries.member.N.Id is invalid.`);
    if (ids.has(id)) throw invalidParameterValue(`The value ${id} is used by more than one query.`);
    ids.add(id);
  }
  for (const query of ordered) {
    const id = String(query.Id);
    let series: Series;
    if (query.MetricStat !== undefined && query.Expression !== undefined)
      throw invalidParameterCombination(`Query ${id} has both MetricStat and Expression.`);
    if (query.MetricStat !== undefined) {
      const stat = query.MetricStat as Json;
      const periodMs = period(stat.Period) * 1000;
      const statName = requiredString(stat.Stat, `${id}.MetricStat.Stat`);
      const statistic = parseStatistic(statName);
      if (!statistic) throw invalidParameterValue(`The value ${statName} for parameter Stat is invalid.`);
      series = statisticSeries(store, metricIdOf(stat.Metric), statistic, start, end, periodMs);
    } else if (query.Expression !== undefined) {
      series = evaluateExpression(String(query.Expression), byId);
    } else throw missingParameter(`MetricDataQueries member ${id}: MetricStat or Expression`);
    byId.set(id, series);
    if (query.ReturnData === false || query.ReturnData === 'false') continue;
    const timestamps = [...series.keys()].sort((a, b) => a - b);
    if (scanBy === 'TimestampDescending') timestamps.reverse();
    results.push({
      Id: id,
      Label: optionalString(query.Label) ?? labelOf(query, id),
      Timestamps: timestamps.map(seconds),
      Values: timestamps.map((t) => series.get(t)!),
      StatusCode: 'Complete',
    });
  }
  // Back in the order asked.
  const order = (queries as Json[]).map((q) => String(q.Id));
  results.sort((a, b) => order.indexOf(String(a.Id)) - order.indexOf(String(b.Id)));
  return { MetricDataResults: results, Messages: [] };
}

export function getMetricStatistics(store: MetricStore, input: Json): Json {
  const metricName = requiredString(input.MetricName, 'MetricName');
  const id = metricIdOf({ Namespace: input.Namespace, MetricName: metricName, Dimensions: input.Dimensions });
  const start = epochMs(required(input.StartTime, 'StartTime'), 'StartTime');
  const end = epochMs(required(input.EndTime, 'EndTime'), 'EndTime');
  const periodMs = period(input.Period) * 1000;
  const statistics = names(input.Statistics);
  const extended = names(input.ExtendedStatistics);
  if (statistics.length + extended.length === 0) throw missingParameter('Statistics or ExtendedStatistics');
  for (const name of statistics)
    if (!parseStatistic(name) || name.startsWith('p'))
      throw invalidParameterValue(`The value ${name} for parameter Statistics is invalid.`);
  for (const name of extended)
    if (!name.startsWith('p') || !parseStatistic(name))
      throw invalidParameterValue(`The value ${name} for parameter ExtendedStatistics is invalid.`);
  const seriesOf = (name: string) => statisticSeries(store, id, parseStatistic(name)!, start, end, periodMs);
  const columns = new Map([...statistics, ...extended].map((name) => [name, seriesOf(name)]));
  const timestamps = new Set<number>();
  for (const series of columns.values()) for (const t of series.keys()) timestamps.add(t);
  const unit = optionalString(input.Unit);
  const datapoints = [...timestamps]
    .sort((a, b) => a - b)
    .map((t) => ({
      Timestamp: seconds(t),
      ...Object.fromEntries(statistics.map((name) => [name, columns.get(name)!.get(t)])),
      ...(extended.length > 0
        ? {
            ExtendedStatistics: Object.fromEntries(extended.map((name) => [name, columns.get(name)!.get(t)])),
          }
        : {}),
      Unit: unit ?? 'None',
    }));
  return { Label: metricName, Datapoints: datapoints };
}

export function listMetrics(store: MetricStore, input: Json): Json {
  const namespace = optionalString(input.Namespace);
  const metricName = optionalString(input.MetricName);
  const filters = ((input.Dimensions ?? []) as Json[]).map((d) => ({
    name: requiredString(d.Name, 'Dimensions.member.N.Name'),
    value: optionalString(d.Value),
  }));
  if (filters.length > 10) throw invalidParameterValue('Dimensions has more than 10 members.');
  const metrics = store
    .list()
    .filter(
      (m) =>
        (namespace === undefined || m.namespace === namespace) &&
        (metricName === undefined || m.metricName === metricName) &&
        filters.every((f) =>
          (m.dimensions ?? []).some(
            (d) => d.Name === f.name && (f.value === undefined || d.Value === f.value),
          ),
        ),
    )
    .map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions ?? [] }))
    .sort((a, b) => `${a.Namespace}|${a.MetricName}`.localeCompare(`${b.Namespace}|${b.MetricName}`));
  const { page, nextToken } = paginate(metrics, input.NextToken, 500);
  return { Metrics: page, ...(nextToken ? { NextToken: nextToken } : {}) };
}

function metricIdOf(raw: unknown): MetricId {
  const metric = (raw ?? {}) as Json;
  const dimensions: Dimension[] = ((metric.Dimensions ?? []) as Json[]).map((d) => ({
    Name: requiredString(d.Name, 'Dimensions.member.N.Name'),
    Value: requiredString(d.Value, 'Dimensions.member.N.Value'),
  }));
  if (dimensions.length > 30) throw invalidParameterValue('A metric has more than 30 dimensions.');
  return {
    namespace: requiredString(metric.Namespace, 'Namespace'),
    metricName: requiredString(metric.MetricName, 'MetricName'),
    dimensions,
  };
}

/** A period in seconds: 1, 5, 10, 30 or a multiple of 60 (CloudWatch's rule). */
function period(raw: unknown): number {
  const value = boundedInteger(required(raw, 'Period'), 'Period', 1, 86_400 * 455, 60);
  if (![1, 5, 10, 30].includes(value) && value % 60 !== 0)
    throw invalidParameterValue('The parameter Period must be 1, 5, 10, 30 or a multiple of 60.');
  return value;
}

function required(value: unknown, name: string): unknown {
  if (value === undefined || value === null || value === '') throw missingParameter(name);
  return value;
}

function labelOf(query: Json, id: string): string {
  const metric = (query.MetricStat as Json | undefined)?.Metric as Json | undefined;
  return typeof metric?.MetricName === 'string' ? metric.MetricName : id;
}
