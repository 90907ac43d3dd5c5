import { describe, expect, it } from 'vitest';
import { parseEmfLine } from '../../../local/cloudwatch/emf.js';

/** A line as Powertools Metrics prints it (a single metric with the default `service` dimension). */
const powertoolsLine = JSON.stringify({
  _aws: {
    Timestamp: 1_765_000_000_000,
    CloudWatchMetrics: [
      {
        Namespace: 'CommerceForge',
        Dimensions: [['service', 'SagaName']],
        Metrics: [
          { Name: 'SagaCompensated', Unit: 'Count' },
          { Name: 'SagaDuration', Unit: 'Milliseconds' },
        ],
      },
    ],
  },
  service: 'saga',
  SagaName: 'OrderFulfillment',
  SagaCompensated: 1,
  SagaDuration: [120, 80, 100],
});

describe('parseEmfLine', () => {
  it('reads each metric with its dimensions, unit, timestamp and values', () => {
    const points = parseEmfLine(powertoolsLine, 1);
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({
      namespace: 'CommerceForge',
      metricName: 'SagaCompensated',
      unit: 'Count',
      dimensions: [
        { Name: 'service', Value: 'saga' },
        { Name: 'SagaName', Value: 'OrderFulfillment' },
      ],
      point: { timestamp: 1_765_000_000_000, sampleCount: 1, sum: 1, minimum: 1, maximum: 1 },
    });
    expect(points[1]).toMatchObject({
      metricName: 'SagaDuration',
      values: [120, 80, 100],
      point: { sampleCount: 3, sum: 300, minimum: 80, maximum: 120 },
    });
  });

  it('publishes a metric once per dimension set, and with none when the directive has no sets', () => {
    const line = JSON.stringify({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: 'A', Dimensions: [['service'], []], Metrics: [{ Name: 'Hits' }] },
          { Namespace: 'B', Metrics: [{ Name: 'Hits' }] },
        ],
      },
      service: 'orders',
      Hits: 2,
    });
    const points = parseEmfLine(line, 42);
    expect(points.map((p) => [p.namespace, p.dimensions.length, p.point.timestamp])).toEqual([
      ['A', 1, 42],
      ['A', 0, 42],
      ['B', 0, 42],
    ]);
  });

  it('ignores ordinary log lines, non-JSON and broken directives without throwing', () => {
    expect(parseEmfLine('{"level":"INFO","message":"charging"}', 1)).toEqual([]);
    expect(parseEmfLine('REPORT RequestId: 1 Duration: 3.00 ms', 1)).toEqual([]);
    expect(parseEmfLine('{"_aws": not json', 1)).toEqual([]);
    // A dimension whose value is missing, a metric value that is not a number: that directive/metric is skipped.
    const broken = JSON.stringify({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: 'A', Dimensions: [['missing']], Metrics: [{ Name: 'X' }] },
          { Namespace: 'B', Metrics: [{ Name: 'X' }, { Name: 'Y' }] },
        ],
      },
      X: 'three',
      Y: 3,
    });
    expect(parseEmfLine(broken, 1).map((p) => `${p.namespace}/${p.metricName}`)).toEqual(['B/Y']);
  });
});
