import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type Metric,
  type MetricDataQuery,
  paginateListMetrics,
} from '@aws-sdk/client-cloudwatch';
import * as z from '../kernel/zod.js';

/**
 * The platform's health over the last `minutes`, read through the CloudWatch API (ListMetrics, then
 * GetMetricData), the same calls in AWS and on the local cloud. Every metric is read over all its dimension
 * sets (ListMetrics finds them), so a new saga, rule or queue counts without a change here. Sources:
 *
 * | field | metric |
 * |---|---|
 * | sagaSuccessRate, sagaCompensationRate | `CommerceForge` `SagaSucceeded` / `SagaCompensated` over the sagas that ended (those two and `SagaCompensationFailed`), Sum |
 * | avgTraceDurationMs, p99TraceDurationMs | `CommerceForge` `SagaDuration` (ms, an order's run from placed to its end), Average (weighted by samples) and p99 (the highest of the sagas' p99s) |
 * | eventsPublished | `AWS/Events` `PutEventsApproximateSuccessCount` (events the bus accepted), Sum |
 * | eventsDelivered | `AWS/Events` `Invocations` less `FailedInvocations`, account-wide (no dimension), Sum |
 * | deadLetterDepth | `AWS/SQS` `ApproximateNumberOfMessagesVisible` of the dead-letter queues (name matches `DEAD_LETTER_QUEUE_NAME`), newest one-minute Maximum, summed |
 * | chaosValidationRate | `CommerceForge` `ChaosExperimentValidated` / `ChaosExperimentCompleted` (Sum); 0 until game days publish them |
 * | openCircuitBreakers | given by the caller (the resolver counts OPEN breakers in the breaker table: the state, not a metric of it) |
 *
 * A rate with nothing to divide is 0, and so is a metric with no data.
 */

export const METRICS_NAMESPACE = 'CommerceForge';
/** The dead-letter and failure queues, by the names the constructs give them. */
export const DEAD_LETTER_QUEUE_NAME = /DeadLetter|Failures|dlq/i;
/** The metrics a chaos game day is expected to publish (none does yet): one per experiment run and held. */
export const CHAOS_METRICS = { completed: 'ChaosExperimentCompleted', validated: 'ChaosExperimentValidated' };

export const platformMetricsArgs = z.strictObject({
  minutes: z.nullish(z.number().check(z.int(), z.gte(1), z.lte(1440))),
});

export interface PlatformMetrics {
  readonly minutes: number;
  readonly from: string;
  readonly to: string;
  readonly sagasEnded: number;
  readonly sagaSuccessRate: number;
  readonly sagaCompensationRate: number;
  readonly openCircuitBreakers: number;
  readonly avgTraceDurationMs: number;
  readonly p99TraceDurationMs: number;
  readonly eventsPublished: number;
  readonly eventsDelivered: number;
  readonly deadLetterDepth: number;
  readonly chaosValidationRate: number;
}

interface Wanted {
  readonly key: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly stat: string;
  /** Which of the metric's dimension sets count (all by default). */
  readonly select?: (metric: Metric) => boolean;
  /**
   * How a query's periods combine: summed (counts), the highest (a percentile), or the newest minute alone (a
   * gauge). @default 'sum'
   */
  readonly combine?: 'sum' | 'max' | 'latest';
}

const noDimensions = (metric: Metric) => (metric.Dimensions ?? []).length === 0;

const WANTED: readonly Wanted[] = [
  ...['SagaSucceeded', 'SagaCompensated', 'SagaCompensationFailed'].map((metricName) => ({
    key: metricName,
    namespace: METRICS_NAMESPACE,
    metricName,
    stat: 'Sum',
  })),
  { key: 'durationSum', namespace: METRICS_NAMESPACE, metricName: 'SagaDuration', stat: 'Sum' },
  { key: 'durationCount', namespace: METRICS_NAMESPACE, metricName: 'SagaDuration', stat: 'SampleCount' },
  {
    key: 'durationP99',
    namespace: METRICS_NAMESPACE,
    metricName: 'SagaDuration',
    stat: 'p99',
    combine: 'max',
  },
  {
    key: 'published',
    namespace: 'AWS/Events',
    metricName: 'PutEventsApproximateSuccessCount',
    stat: 'Sum',
    select: noDimensions,
  },
  {
    key: 'invocations',
    namespace: 'AWS/Events',
    metricName: 'Invocations',
    stat: 'Sum',
    select: noDimensions,
  },
  {
    key: 'failed',
    namespace: 'AWS/Events',
    metricName: 'FailedInvocations',
    stat: 'Sum',
    select: noDimensions,
  },
  {
    key: 'deadLetters',
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    stat: 'Maximum',
    combine: 'latest',
    select: (m) =>
      (m.Dimensions ?? []).some((d) => d.Name === 'QueueName' && DEAD_LETTER_QUEUE_NAME.test(d.Value ?? '')),
  },
  { key: 'chaosCompleted', namespace: METRICS_NAMESPACE, metricName: CHAOS_METRICS.completed, stat: 'Sum' },
  { key: 'chaosValidated', namespace: METRICS_NAMESPACE, metricName: CHAOS_METRICS.validated, stat: 'Sum' },
];

/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES = 500;

export async function readPlatformMetrics(
  cloudwatch: CloudWatchClient,
  options: { minutes: number; now: Date; openCircuitBreakers: number },
): Promise<PlatformMetrics> {
  const end = options.now;
  const start = new Date(end.getTime() - options.minutes * 60_000);
  const period = options.minutes * 60;

  // Every dimension set of every wanted metric, as one query each (ids q0, q1... map back to their key).
  const queries: Array<{ key: string; combine: Wanted['combine']; query: MetricDataQuery }> = [];
  for (const wanted of WANTED) {
    for (const metric of await listMetrics(cloudwatch, wanted.namespace, wanted.metricName)) {
      if (wanted.select && !wanted.select(metric)) continue;
      queries.push({
        key: wanted.key,
        combine: wanted.combine,
        query: {
          Id: `q${queries.length}`,
          MetricStat: {
            Metric: metric,
            Period: wanted.combine === 'latest' ? 60 : period,
            Stat: wanted.stat,
          },
        },
      });
    }
  }
  const totals = new Map<string, number[]>();
  for (let i = 0; i < queries.length; i += MAX_QUERIES) {
    const chunk = queries.slice(i, i + MAX_QUERIES);
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: chunk.map((q) => q.query),
        StartTime: start,
        EndTime: end,
        ScanBy: 'TimestampDescending',
      }),
    );
    for (const result of out.MetricDataResults ?? []) {
      const asked = chunk.find((q) => q.query.Id === result.Id);
      if (!asked) continue;
      const values = result.Values ?? [];
      // Newest first: a gauge is its newest minute; a count is the sum of the window's periods.
      const value =
        asked.combine === 'latest'
          ? (values[0] ?? 0)
          : asked.combine === 'max'
            ? Math.max(0, ...values)
            : values.reduce((n, v) => n + v, 0);
      totals.set(asked.key, [...(totals.get(asked.key) ?? []), value]);
    }
  }
  const sum = (key: string) => (totals.get(key) ?? []).reduce((n, v) => n + v, 0);
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

  const succeeded = sum('SagaSucceeded');
  const compensated = sum('SagaCompensated');
  const ended = succeeded + compensated + sum('SagaCompensationFailed');
  return {
    minutes: options.minutes,
    from: start.toISOString(),
    to: end.toISOString(),
    sagasEnded: Math.round(ended),
    sagaSuccessRate: ratio(succeeded, ended),
    sagaCompensationRate: ratio(compensated, ended),
    openCircuitBreakers: options.openCircuitBreakers,
    avgTraceDurationMs: ratio(sum('durationSum'), sum('durationCount')),
    p99TraceDurationMs: Math.max(0, ...(totals.get('durationP99') ?? [])),
    eventsPublished: Math.round(sum('published')),
    eventsDelivered: Math.max(0, Math.round(sum('invocations') - sum('failed'))),
    deadLetterDepth: Math.round(sum('deadLetters')),
    chaosValidationRate: ratio(sum('chaosValidated'), sum('chaosCompleted')),
  };
}

async function listMetrics(
  cloudwatch: CloudWatchClient,
  namespace: string,
  metricName: string,
): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for await (const page of paginateListMetrics(
    { client: cloudwatch },
    { Namespace: namespace, MetricName: metricName },
  ))
    metrics.push(...(page.Metrics ?? []));
  return metrics;
}
