import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { platformMetricsArgs, readPlatformMetrics } from '../../functions/operations/platform-metrics.js';

const cloudwatch = mockClient(CloudWatchClient);
const now = new Date('2026-12-05T01:00:00Z');
const saga = [
  { Name: 'service', Value: 'saga' },
  { Name: 'SagaName', Value: 'OrderFulfillment' },
];

/** What the metric store holds: per metric name, its dimension sets, each with its stat's values per period. */
const held: Record<
  string,
  Array<{ dims: { Name: string; Value: string }[]; values: Record<string, number[]> }>
> = {
  SagaSucceeded: [{ dims: saga, values: { Sum: [2, 1] } }],
  SagaCompensated: [{ dims: saga, values: { Sum: [1] } }],
  SagaDuration: [{ dims: saga, values: { Sum: [4000], SampleCount: [4], p99: [1800, 2500] } }],
  PutEventsApproximateSuccessCount: [{ dims: [], values: { Sum: [30] } }],
  Invocations: [
    { dims: [], values: { Sum: [50] } },
    { dims: [{ Name: 'RuleName', Value: 'r1' }], values: { Sum: [50] } },
  ],
  FailedInvocations: [{ dims: [], values: { Sum: [2] } }],
  ApproximateNumberOfMessagesVisible: [
    {
      dims: [{ Name: 'QueueName', Value: 'CommerceForge-dev-Orders-ShipmentRuleDeadLetterQueue-X' }],
      values: { Maximum: [3, 9] },
    },
    {
      dims: [{ Name: 'QueueName', Value: 'CommerceForge-dev-Sagas-StarterAsyncInvokeFailuresQueue-Y' }],
      values: { Maximum: [1] },
    },
    {
      dims: [{ Name: 'QueueName', Value: 'CommerceForge-dev-Analytics-ProjectorQueue-Z' }],
      values: { Maximum: [100] },
    },
  ],
};

beforeEach(() => {
  cloudwatch.reset();
  cloudwatch.on(ListMetricsCommand).callsFake((input: { Namespace: string; MetricName: string }) => ({
    Metrics: (held[input.MetricName] ?? []).map((m) => ({
      Namespace: input.Namespace,
      MetricName: input.MetricName,
      Dimensions: m.dims,
    })),
  }));
  cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
      const stat = q.MetricStat!;
      const series = (held[stat.Metric!.MetricName!] ?? []).find(
        (m) => JSON.stringify(m.dims) === JSON.stringify(stat.Metric!.Dimensions ?? []),
      );
      return { Id: q.Id, Values: series?.values[stat.Stat!] ?? [], StatusCode: 'Complete' };
    }),
  }));
});

describe('readPlatformMetrics', () => {
  it('reads every metric over all its dimension sets and derives the rates', async () => {
    const metrics = await readPlatformMetrics(new CloudWatchClient({}), {
      minutes: 15,
      now,
      openCircuitBreakers: 1,
    });
    expect(metrics).toEqual({
      minutes: 15,
      from: '2026-12-05T00:45:00.000Z',
      to: '2026-12-05T01:00:00.000Z',
      sagasEnded: 4,
      sagaSuccessRate: 0.75,
      sagaCompensationRate: 0.25,
      openCircuitBreakers: 1,
      avgTraceDurationMs: 1000,
      p99TraceDurationMs: 2500,
      eventsPublished: 30,
      eventsDelivered: 48,
      // The dead-letter and failure queues' newest minutes (3 and 1), not the projector's work queue.
      deadLetterDepth: 4,
      chaosValidationRate: 0,
    });
    const asked = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(asked.StartTime).toEqual(new Date('2026-12-05T00:45:00Z'));
    const periods = new Set(asked.MetricDataQueries!.map((q) => q.MetricStat!.Period));
    expect(periods).toEqual(new Set([900, 60]));
  });

  it('answers zeros when nothing has been measured', async () => {
    cloudwatch.on(ListMetricsCommand).resolves({ Metrics: [] });
    const metrics = await readPlatformMetrics(new CloudWatchClient({}), {
      minutes: 60,
      now,
      openCircuitBreakers: 0,
    });
    expect(metrics).toMatchObject({
      sagasEnded: 0,
      sagaSuccessRate: 0,
      avgTraceDurationMs: 0,
      p99TraceDurationMs: 0,
      deadLetterDepth: 0,
    });
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('takes 1 to 1440 minutes, or none', () => {
    expect(platformMetricsArgs.parse({})).toEqual({});
    expect(platformMetricsArgs.parse({ minutes: null })).toEqual({ minutes: null });
    for (const minutes of [0, 1441, 1.5, '5'])
      expect(platformMetricsArgs.safeParse({ minutes }).success).toBe(false);
    expect(platformMetricsArgs.safeParse({ minutes: 5, extra: 1 }).success).toBe(false);
  });
});
