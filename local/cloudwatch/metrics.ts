/**
 * The local metric store: datapoints per metric (namespace, name, dimensions), aggregated per period with
 * CloudWatch's statistics. Two kinds of series: counts and measures that arrive as datapoints (PutMetricData,
 * other plugins), where a period without one has no data; and gauges the local cloud samples (an SQS queue's
 * depth), whose last sample holds until the next one, as a queue's depth does between AWS's one-minute
 * datapoints. Only the recent past is kept.
 */

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions?: readonly Dimension[];
}

/** One datapoint: a value, or a statistic set (PutMetricData's `StatisticValues` or `Values`/`Counts`). */
export interface Datapoint {
  /** Epoch ms. */
  readonly timestamp: number;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
  /** The values themselves when several arrived at once (EMF arrays): percentiles read them. */
  readonly values?: readonly number[];
}

export type Statistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
export const STATISTICS: readonly Statistic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

interface Series {
  readonly id: MetricId;
  readonly gauge: boolean;
  readonly points: Datapoint[];
}

export function metricKey(id: MetricId): string {
  const dimensions = [...(id.dimensions ?? [])]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((d) => `${d.Name}=${d.Value}`)
    .join(',');
  return `${id.namespace}|${id.metricName}|${dimensions}`;
}

export function single(timestamp: number, value: number): Datapoint {
  return { timestamp, sampleCount: 1, sum: value, minimum: value, maximum: value };
}

/**
 * The most metrics (namespace, name and dimensions) kept at once: a function that puts an id in a dimension makes
 * a metric per id, and the store must not grow without bound. Datapoints of new metrics beyond it are dropped
 * (counted in `dropped`) until pruning frees room.
 */
export const MAX_SERIES = 20_000;

export class MetricStore {
  private readonly series = new Map<string, Series>();
  /** Datapoints dropped because the store held `MAX_SERIES` metrics. */
  dropped = 0;

  /** @param retentionMs how far back datapoints are kept (the longest alarm window, with room). */
  constructor(private retentionMs = 3 * 3_600_000) {}

  /** Keeps at least this much history (an alarm's evaluation window). */
  retainAtLeast(ms: number): void {
    this.retentionMs = Math.max(this.retentionMs, ms);
  }

  /**
   * A datapoint. One within the same second as the series' last one is merged into it (CloudWatch keeps
   * high-resolution metrics at one-second granularity): a busy function emits a few metrics per invocation,
   * and under load one object per datapoint made this store the local cloud's largest heap user (measured:
   * 54 KB per order, kept for the retention's three hours). Merging keeps every statistic exact, and the
   * values percentiles read; a value and a statistic set without values are not merged (the set's values are
   * unknown).
   */
  put(id: MetricId, point: Datapoint): void {
    const series = this.seriesOf(id, false);
    if (!series) return;
    const last = series.points.at(-1) as Bucket | undefined;
    if (last && !series.gauge && secondOf(last.timestamp) === secondOf(point.timestamp)) {
      const lastValues = exactValues(last);
      const values = exactValues(point);
      if ((values === undefined) === (lastValues === undefined)) {
        if (lastValues && values) {
          if (last.values) for (const value of values) last.values.push(value);
          else last.values = [...lastValues, ...values];
        }
        last.sampleCount += point.sampleCount;
        last.sum += point.sum;
        last.minimum = Math.min(last.minimum, point.minimum);
        last.maximum = Math.max(last.maximum, point.maximum);
        return;
      }
    }
    const { timestamp, sampleCount, sum, minimum, maximum } = point;
    const bucket: Bucket = { timestamp, sampleCount, sum, minimum, maximum };
    if (point.values) bucket.values = [...point.values];
    series.points.push(bucket);
  }

  /** A gauge's sample: it holds until the next sample. An unchanged value is not stored again. */
  sample(id: MetricId, timestamp: number, value: number): void {
    const series = this.seriesOf(id, true);
    if (!series) return;
    const last = series.points.at(-1);
    if (last && last.maximum === value && last.minimum === value) return;
    series.points.push(single(timestamp, value));
  }

  list(): MetricId[] {
    return [...this.series.values()].map((series) => series.id);
  }

  /** A metric's datapoints (oldest first) and whether it is a sampled gauge; undefined when unknown. */
  read(id: MetricId): { readonly gauge: boolean; readonly points: readonly Datapoint[] } | undefined {
    return this.series.get(metricKey(id));
  }

  /**
   * The statistic of each of the `count` periods of `periodMs` ending at `end` (oldest first); `undefined`
   * where a period has no data. A period runs from just after its start up to and including its end, so a
   * datapoint taken at `end` is in the newest one.
   */
  periods(
    id: MetricId,
    statistic: Statistic | string,
    periodMs: number,
    count: number,
    end: number,
  ): Array<{ timestamp: number; value: number | undefined }> {
    const series = this.series.get(metricKey(id));
    const stat = parseStatistic(statistic);
    if (!stat) throw new Error(`unknown statistic ${statistic}`);
    const result: Array<{ timestamp: number; value: number | undefined }> = [];
    for (let i = count; i >= 1; i--) {
      const start = end - i * periodMs;
      const points = series ? inPeriod(series, start, start + periodMs) : [];
      result.push({ timestamp: start, value: stat(points) });
    }
    return result;
  }

  /** Drops what is older than the retention (a gauge keeps its last sample before that: it still holds). */
  prune(now: number): void {
    const horizon = now - this.retentionMs;
    for (const [key, series] of this.series) {
      let drop = 0;
      while (drop < series.points.length && series.points[drop]!.timestamp < horizon) drop += 1;
      if (series.gauge && drop === series.points.length) drop -= 1;
      if (drop > 0) series.points.splice(0, drop);
      // A metric with no datapoint left is forgotten, as CloudWatch forgets metrics after two weeks unseen.
      if (series.points.length === 0) this.series.delete(key);
    }
  }

  /** The metric's series, created on its first datapoint; undefined when the store is full (see MAX_SERIES). */
  private seriesOf(id: MetricId, gauge: boolean): Series | undefined {
    const key = metricKey(id);
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= MAX_SERIES) {
        this.dropped += 1;
        return undefined;
      }
      series = { id: { ...id, dimensions: [...(id.dimensions ?? [])] }, gauge, points: [] };
      this.series.set(key, series);
    }
    return series;
  }
}

/** A stored datapoint that later ones of its second merge into (only `put`'s: a gauge's samples stay apart). */
interface Bucket {
  timestamp: number;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  values?: number[];
}

/**
 * The second a timestamp falls in, counted so that a second ends on its whole-second instant: periods run
 * from just after their start up to and including their end, so two datapoints of one second are never in
 * two periods that start on a whole second.
 */
function secondOf(timestamp: number): number {
  return Math.ceil(timestamp / 1000);
}

/** A datapoint's values when they are all known: its own, or its one value; undefined for a statistic set. */
function exactValues(point: Datapoint | Bucket): readonly number[] | undefined {
  if (point.values) return point.values;
  return point.sampleCount === 1 ? [point.sum] : undefined;
}

function inPeriod(series: Series, start: number, end: number): Datapoint[] {
  const inside = series.points.filter((point) => point.timestamp > start && point.timestamp <= end);
  if (!series.gauge) return inside;
  // The sample in force when the period began counts too (the depth did not change until the next sample).
  let before: Datapoint | undefined;
  for (const point of series.points) {
    if (point.timestamp <= start) before = point;
    else break;
  }
  return before ? [before, ...inside] : inside;
}

export function aggregate(points: readonly Datapoint[], statistic: Statistic): number | undefined {
  if (points.length === 0) return undefined;
  switch (statistic) {
    case 'SampleCount':
      return points.reduce((n, p) => n + p.sampleCount, 0);
    case 'Sum':
      return points.reduce((n, p) => n + p.sum, 0);
    case 'Average': {
      const count = points.reduce((n, p) => n + p.sampleCount, 0);
      return count === 0 ? undefined : points.reduce((n, p) => n + p.sum, 0) / count;
    }
    case 'Minimum':
      return Math.min(...points.map((p) => p.minimum));
    case 'Maximum':
      return Math.max(...points.map((p) => p.maximum));
    default: {
      const never: never = statistic;
      throw new Error(`unknown statistic ${String(never)}`);
    }
  }
}

/**
 * A percentile (`p99`, `p99.9`...) by the nearest-rank method over the values of the points: a point's own
 * values when it kept them, its one value when it has one, else its average once per sample (a statistic set
 * keeps no values: CloudWatch estimates too).
 */
export function percentile(points: readonly Datapoint[], p: number): number | undefined {
  const values: number[] = [];
  for (const point of points) {
    if (point.values) values.push(...point.values);
    else if (point.sampleCount === 1) values.push(point.sum);
    else if (point.sampleCount > 0) {
      const average = point.sum / point.sampleCount;
      for (let i = 0; i < Math.min(point.sampleCount, 10_000); i++) values.push(average);
    }
  }
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * values.length));
  return values[Math.min(values.length, rank) - 1];
}

/** A statistic by name: the five of `Statistic`, or an extended one `pNN(.N)`; undefined when unknown. */
export function parseStatistic(
  name: string,
): ((points: readonly Datapoint[]) => number | undefined) | undefined {
  if ((STATISTICS as readonly string[]).includes(name))
    return (points) => aggregate(points, name as Statistic);
  const match = /^p(\d{1,2}(?:\.\d{1,10})?|100)$/.exec(name);
  if (!match) return undefined;
  const p = Number(match[1]);
  return p > 0 && p <= 100 ? (points) => percentile(points, p) : undefined;
}
