import { describe, expect, it } from 'vitest';
import { CloudWatchError } from '../../../local/cloudwatch/errors.js';
import { getMetricData, getMetricStatistics, listMetrics } from '../../../local/cloudwatch/metric-data.js';
import { MAX_SERIES, MetricStore, single } from '../../../local/cloudwatch/metrics.js';

const T0 = Date.UTC(2026, 11, 5, 0, 0, 0);
const dims = [{ Name: 'SagaName', Value: 'OrderFulfillment' }];
const metric = (MetricName: string) => ({ Namespace: 'CommerceForge', MetricName, Dimensions: dims });

function store(): MetricStore {
  const s = new MetricStore();
  const put = (name: string, at: number, value: number) =>
    s.put({ namespace: 'CommerceForge', metricName: name, dimensions: dims }, single(at, value));
  // Minute 0: 3 succeeded, 1 compensated; minute 1: 1 succeeded. Durations 1..100 in minute 0.
  for (const at of [T0 + 1_000, T0 + 2_000, T0 + 3_000, T0 + 61_000]) put('SagaSucceeded', at, 1);
  put('SagaCompensated', T0 + 4_000, 1);
  for (let v = 1; v <= 100; v++) put('SagaDuration', T0 + 5_000 + v, v);
  return s;
}

const range = { StartTime: T0 / 1000, EndTime: (T0 + 120_000) / 1000 };

describe('GetMetricData', () => {
  it('answers sums per period, newest first by default, and percentiles', () => {
    const out = getMetricData(store(), {
      ...range,
      MetricDataQueries: [
        { Id: 'ok', MetricStat: { Metric: metric('SagaSucceeded'), Period: 60, Stat: 'Sum' } },
        { Id: 'p99', MetricStat: { Metric: metric('SagaDuration'), Period: 60, Stat: 'p99' }, Label: 'p99' },
        { Id: 'p50', MetricStat: { Metric: metric('SagaDuration'), Period: 60, Stat: 'p50' } },
      ],
    });
    expect(out.MetricDataResults).toEqual([
      {
        Id: 'ok',
        Label: 'SagaSucceeded',
        Timestamps: [T0 / 1000 + 60, T0 / 1000],
        Values: [1, 3],
        StatusCode: 'Complete',
      },
      { Id: 'p99', Label: 'p99', Timestamps: [T0 / 1000], Values: [99], StatusCode: 'Complete' },
      { Id: 'p50', Label: 'SagaDuration', Timestamps: [T0 / 1000], Values: [50], StatusCode: 'Complete' },
    ]);
  });

  it('runs arithmetic metric math over other queries, leaving out hidden ones', () => {
    const out = getMetricData(store(), {
      ...range,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        { Id: 'rate', Expression: '100 * ok / (ok + FILL(comp, 0))', Label: 'success rate' },
        {
          Id: 'ok',
          MetricStat: { Metric: metric('SagaSucceeded'), Period: 60, Stat: 'Sum' },
          ReturnData: false,
        },
        {
          Id: 'comp',
          MetricStat: { Metric: metric('SagaCompensated'), Period: 60, Stat: 'Sum' },
          ReturnData: false,
        },
      ],
    });
    expect(out.MetricDataResults).toEqual([
      {
        Id: 'rate',
        Label: 'success rate',
        Timestamps: [T0 / 1000, T0 / 1000 + 60],
        Values: [75, 100],
        StatusCode: 'Complete',
      },
    ]);
  });

  it('runs IF with comparisons, as the saga success-rate alarm writes it', () => {
    const out = getMetricData(store(), {
      ...range,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'ok',
          MetricStat: { Metric: metric('SagaSucceeded'), Period: 60, Stat: 'Sum' },
          ReturnData: false,
        },
        // Judged only where at least 2 sagas succeeded: the second minute (1) has no value.
        { Id: 'rate', Expression: 'IF(ok >= 2, 100 * ok / (ok + 1))' },
        { Id: 'flag', Expression: 'IF(ok == 1, 1, 0)' },
      ],
    });
    expect(out.MetricDataResults).toEqual([
      { Id: 'rate', Label: 'rate', Timestamps: [T0 / 1000], Values: [75], StatusCode: 'Complete' },
      {
        Id: 'flag',
        Label: 'flag',
        Timestamps: [T0 / 1000, T0 / 1000 + 60],
        Values: [0, 1],
        StatusCode: 'Complete',
      },
    ]);
  });

  it('refuses unknown statistics, bad periods, unknown ids in expressions and reversed ranges', () => {
    const q = (Stat: string, Period = 60) => ({
      ...range,
      MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: metric('SagaSucceeded'), Period, Stat } }],
    });
    expect(() => getMetricData(store(), q('Median'))).toThrow(CloudWatchError);
    expect(() => getMetricData(store(), q('Sum', 7))).toThrow(/Period/);
    expect(() =>
      getMetricData(store(), { ...range, MetricDataQueries: [{ Id: 'e', Expression: 'nope * 2' }] }),
    ).toThrow(/nope/);
    expect(() =>
      getMetricData(store(), {
        StartTime: range.EndTime,
        EndTime: range.StartTime,
        MetricDataQueries: q('Sum').MetricDataQueries,
      }),
    ).toThrow(/StartTime/);
  });
});

describe('GetMetricStatistics and ListMetrics', () => {
  it('gives statistics and extended statistics per period', () => {
    const out = getMetricStatistics(store(), {
      ...metric('SagaDuration'),
      ...range,
      Period: 60,
      Statistics: ['SampleCount', 'Maximum'],
      ExtendedStatistics: ['p90'],
    });
    expect(out.Datapoints).toEqual([
      { Timestamp: T0 / 1000, SampleCount: 100, Maximum: 100, ExtendedStatistics: { p90: 90 }, Unit: 'None' },
    ]);
  });

  it('lists metrics filtered by namespace, name and dimension', () => {
    const s = store();
    expect((listMetrics(s, { Namespace: 'CommerceForge' }).Metrics as unknown[]).length).toBe(3);
    expect(
      listMetrics(s, { MetricName: 'SagaCompensated', Dimensions: [{ Name: 'SagaName' }] }).Metrics,
    ).toEqual([{ Namespace: 'CommerceForge', MetricName: 'SagaCompensated', Dimensions: dims }]);
    expect(listMetrics(s, { Dimensions: [{ Name: 'SagaName', Value: 'Other' }] }).Metrics).toEqual([]);
  });
});

describe('the metric store', () => {
  it('keeps at most MAX_SERIES metrics, and forgets one whose datapoints all aged out', () => {
    const s = new MetricStore(60_000);
    for (let i = 0; i < MAX_SERIES + 5; i++)
      s.put(
        { namespace: 'N', metricName: 'PerOrder', dimensions: [{ Name: 'id', Value: String(i) }] },
        single(T0, 1),
      );
    expect(s.list()).toHaveLength(MAX_SERIES);
    expect(s.dropped).toBe(5);
    s.prune(T0 + 120_000);
    expect(s.list()).toHaveLength(0);
    s.put({ namespace: 'N', metricName: 'Later', dimensions: [] }, single(T0 + 120_000, 1));
    expect(s.list()).toHaveLength(1);
  });

  it('merges the datapoints of one second into one, keeping every statistic and the percentiles exact', () => {
    const s = new MetricStore();
    const id = { namespace: 'N', metricName: 'Duration', dimensions: [] };
    // Second (T0, T0 + 1 s]: three values and an EMF array; the next second starts a new datapoint.
    for (const [at, value] of [
      [T0 + 1, 5],
      [T0 + 400, 1],
      [T0 + 1_000, 9],
    ] as const)
      s.put(id, single(at, value));
    s.put(id, { timestamp: T0 + 999, sampleCount: 2, sum: 6, minimum: 2, maximum: 4, values: [2, 4] });
    s.put(id, single(T0 + 1_001, 7));
    // A statistic set without values is not merged with known values: its own values are unknown.
    s.put(id, { timestamp: T0 + 1_002, sampleCount: 10, sum: 100, minimum: 1, maximum: 50 });
    const points = s.read(id)?.points ?? [];
    expect(points.map((p) => [p.sampleCount, p.sum, p.minimum, p.maximum, p.values])).toEqual([
      [5, 21, 1, 9, [5, 1, 9, 2, 4]],
      [1, 7, 7, 7, undefined],
      [10, 100, 1, 50, undefined],
    ]);
    const stats = (statistic: string) =>
      s.periods(id, statistic, 1_000, 2, T0 + 2_000).map((period) => period.value);
    expect(stats('SampleCount')).toEqual([5, 11]);
    expect(stats('Sum')).toEqual([21, 107]);
    expect(stats('Maximum')).toEqual([9, 50]);
    expect(stats('p50')).toEqual([4, 10]);
  });
});
