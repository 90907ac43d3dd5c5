/**
 * The local CloudWatch's reading of request fields: the JSON protocol's typed values and the query protocol's
 * strings alike (numbers, ISO 8601 or epoch-second timestamps, lists), each refused with CloudWatch's error.
 */
import {
  invalidNextToken,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
} from './errors.js';
import type { Datapoint } from './metrics.js';

type Json = Record<string, unknown>;

/** A PutMetricData datum: a value, a statistic set, or values with counts. */
export function datapointOf(datum: Json, timestamp: number, i: number): Datapoint {
  const at = `MetricData.member.${i + 1}`;
  if (datum.StatisticValues !== undefined) {
    const s = datum.StatisticValues as Json;
    const [sampleCount, sum, minimum, maximum] = ['SampleCount', 'Sum', 'Minimum', 'Maximum'].map((key) =>
      finite(s[key], `${at}.StatisticValues.${key}`),
    ) as [number, number, number, number];
    return { timestamp, sampleCount, sum, minimum, maximum };
  }
  if (Array.isArray(datum.Values) && datum.Values.length > 0) {
    const values = datum.Values.map((v, j) => finite(v, `${at}.Values.member.${j + 1}`));
    const counts = Array.isArray(datum.Counts)
      ? datum.Counts.map((c, j) => finite(c, `${at}.Counts.member.${j + 1}`))
      : [];
    if (counts.length > 0 && counts.length !== values.length)
      throw invalidParameterCombination('Values and Counts must have the same number of members.');
    const weight = (j: number) => counts[j] ?? 1;
    return {
      timestamp,
      sampleCount: values.reduce((n, _, j) => n + weight(j), 0),
      sum: values.reduce((n, v, j) => n + v * weight(j), 0),
      minimum: Math.min(...values),
      maximum: Math.max(...values),
    };
  }
  if (datum.Value === undefined) throw missingParameter(`${at}.Value`);
  const value = finite(datum.Value, `${at}.Value`);
  return { timestamp, sampleCount: 1, sum: value, minimum: value, maximum: value };
}

export function finite(value: unknown, name: string): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (value === '' || value === null || !Number.isFinite(number))
    throw invalidParameterValue(`The value ${String(value)} for parameter ${name} is invalid.`);
  return number;
}

export function names(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidParameterValue('Expected a list.');
  return value.map(String);
}

export function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

export function requiredString(value: unknown, name: string): string {
  if (value === undefined || value === null || value === '') throw missingParameter(name);
  return String(value);
}

export function boundedInteger(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    throw invalidParameterValue(
      `The value ${String(value)} for parameter ${name} must be between ${min} and ${max}.`,
    );
  return number;
}

/** Epoch seconds (the JSON protocol) or an ISO 8601 date (the query protocol). */
export function epochMs(value: unknown, name: string): number {
  const ms =
    typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))
      ? Number(value) * 1000
      : Date.parse(String(value));
  if (!Number.isFinite(ms))
    throw invalidParameterValue(`The value ${String(value)} for parameter ${name} is invalid.`);
  return ms;
}

export function seconds(epochMillis: number): number {
  return epochMillis / 1000;
}

export function paginate<T>(
  items: readonly T[],
  token: unknown,
  max: number,
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (token !== undefined) {
    offset = Number(
      Buffer.from(String(token), 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(offset) || offset < 0) throw invalidNextToken();
  }
  const page = items.slice(offset, offset + max);
  const next = offset + max;
  return next < items.length
    ? { page, nextToken: Buffer.from(`offset:${next}`).toString('base64url') }
    : { page };
}
