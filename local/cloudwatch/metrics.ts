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

export class MetricStore {
  private readonly series = new Map<string, Series>();

  /** @param retentionMs how far back datapoints are kept (the longest alarm window, with room). */
  constructor(private retentionMs = 3 * 3_600_000) {}

  /** Keeps at least this much history (an alarm's evaluation window). */
  retainAtLeast(ms: number): void {
    this.retentionMs = Math.max(this.retentionMs, ms);
  }

  put(id: MetricId, point: Datapoint): void {
    this.seriesOf(id, false).points.push(point);
  }

  /** A gauge's sample: it holds until the next sample. An unchanged value is not stored again. */
  sample(id: MetricId, timestamp: number, value: number): void {
    const series = this.seriesOf(id, true);
    const last = series.points.at(-1);
    if (last && last.maximum === value && last.minimum === value) return;
    series.points.push(single(timestamp, value));
  }

  list(): MetricId[] {
    return [...this.series.values()].map((series) => series.id);
  }

  /**
   * The statistic of each of the `count` periods of `periodMs` ending at `end` (oldest first); `undefined`
   * where a period has no data. A period runs from just after its start up to and including its end, so a
   * datapoint taken at `end` is in the newest one.
   */
  periods(
    id: MetricId,
    statistic: Statistic,
    periodMs: number,
    count: number,
    end: number,
  ): Array<{ timestamp: number; value: number | undefined }> {
    const series = this.series.get(metricKey(id));
    const result: Array<{ timestamp: number; value: number | undefined }> = [];
    for (let i = count; i >= 1; i--) {
      const start = end - i * periodMs;
      const points = series ? inPeriod(series, start, start + periodMs) : [];
      result.push({ timestamp: start, value: aggregate(points, statistic) });
    }
    return result;
  }

  /** Drops what is older than the retention (a gauge keeps its last sample before that: it still holds). */
  prune(now: number): void {
    const horizon = now - this.retentionMs;
    for (const series of this.series.values()) {
      let drop = 0;
      while (drop < series.points.length && series.points[drop]!.timestamp < horizon) drop += 1;
      if (series.gauge && drop === series.points.length) drop -= 1;
      if (drop > 0) series.points.splice(0, drop);
    }
  }

  private seriesOf(id: MetricId, gauge: boolean): Series {
    const key = metricKey(id);
    let series = this.series.get(key);
    if (!series) {
      series = { id: { ...id, dimensions: [...(id.dimensions ?? [])] }, gauge, points: [] };
      this.series.set(key, series);
    }
    return series;
  }
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
