/**
 * CloudWatch's embedded metric format (EMF): a JSON log line with an `_aws.CloudWatchMetrics` directive, which
 * Lambda's log ingestion turns into metrics. Powertools Metrics prints these. A line is parsed only when it
 * looks like one (a `{` first and the `"_aws"` key inside: two cheap string checks, no regex), since most of a
 * busy platform's output is ordinary log lines. Hand-written: no npm package reads EMF (they all write it).
 *
 * Rules followed (AWS's EMF specification): each directive names a namespace, dimension sets (each a list of
 * member names, at most 30) and metrics (`Name`, optional `Unit`); the value of a metric or a dimension is the
 * root member of that name; a metric's value is a number or an array of numbers (at most 100); a directive
 * that breaks a rule is skipped, as CloudWatch skips it, and the rest of the line still counts.
 */
import type { Datapoint, Dimension } from './metrics.js';

export interface EmfDatapoint {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  readonly unit?: string;
  readonly point: Datapoint;
  /** The values themselves (percentiles need them). */
  readonly values: readonly number[];
}

const MAX_DIMENSIONS = 30;
const MAX_VALUES = 100;
const MAX_METRICS = 100;

/** The datapoints of one line: empty when it is not EMF or not valid EMF. `now` when it has no timestamp. */
export function parseEmfLine(line: string, now: number): EmfDatapoint[] {
  const start = line.indexOf('{');
  if (start < 0 || start > 64 || !line.includes('"_aws"')) return [];
  let root: unknown;
  try {
    root = JSON.parse(start === 0 ? line : line.slice(start));
  } catch {
    return [];
  }
  if (!isObject(root) || !isObject(root._aws)) return [];
  const aws = root._aws;
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives)) return [];
  const timestamp = typeof aws.Timestamp === 'number' && Number.isFinite(aws.Timestamp) ? aws.Timestamp : now;
  const result: EmfDatapoint[] = [];
  for (const directive of directives) {
    if (!isObject(directive) || typeof directive.Namespace !== 'string' || directive.Namespace === '')
      continue;
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length > MAX_METRICS) continue;
    const dimensionSets = dimensionSetsOf(directive.Dimensions, root);
    if (!dimensionSets) continue;
    for (const metric of directive.Metrics) {
      if (!isObject(metric) || typeof metric.Name !== 'string' || metric.Name === '') continue;
      const values = valuesOf(root[metric.Name]);
      if (!values) continue;
      const point: Datapoint = {
        timestamp,
        sampleCount: values.length,
        sum: values.reduce((n, v) => n + v, 0),
        minimum: Math.min(...values),
        maximum: Math.max(...values),
      };
      const unit = typeof metric.Unit === 'string' ? metric.Unit : undefined;
      for (const dimensions of dimensionSets)
        result.push({
          namespace: directive.Namespace,
          metricName: metric.Name,
          dimensions,
          ...(unit ? { unit } : {}),
          point,
          values,
        });
    }
  }
  return result;
}

/** Each dimension set with its values from the root; undefined when one is malformed or a value is missing. */
function dimensionSetsOf(raw: unknown, root: Record<string, unknown>): Dimension[][] | undefined {
  // A directive without dimension sets publishes the metric with no dimensions.
  if (raw === undefined) return [[]];
  if (!Array.isArray(raw)) return undefined;
  const sets: Dimension[][] = [];
  for (const set of raw) {
    if (!Array.isArray(set) || set.length > MAX_DIMENSIONS) return undefined;
    const dimensions: Dimension[] = [];
    for (const name of set) {
      const value = typeof name === 'string' ? root[name] : undefined;
      if (typeof value !== 'string' || value === '') return undefined;
      dimensions.push({ Name: name as string, Value: value });
    }
    sets.push(dimensions);
  }
  return sets.length > 0 ? sets : [[]];
}

function valuesOf(raw: unknown): number[] | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? [raw] : undefined;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_VALUES) return undefined;
  for (const value of raw) if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return raw as number[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
