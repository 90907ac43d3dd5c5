import { describe, expect, it } from 'vitest';
import { alarmDefinition } from '../../../local/cloudwatch/alarms.js';
import { single } from '../../../local/cloudwatch/metrics.js';
import { type AlarmTransition, CloudWatchService } from '../../../local/cloudwatch/service.js';

const T0 = 10_000_000;
const arn = (name: string) => `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`;
const saga = [{ Name: 'SagaName', Value: 'OrderFulfillment' }];

/** The SLO alarms' two shapes the template has: a success rate in metric math (judged from 2 starts), and a p99. */
function service() {
  let now = T0;
  const transitions: AlarmTransition[] = [];
  const cw = new CloudWatchService(
    [
      alarmDefinition('rate', arn('rate'), {
        Metrics: [
          {
            Id: 'ok',
            MetricStat: {
              Metric: { Namespace: 'CF', MetricName: 'SagaSucceeded', Dimensions: saga },
              Period: 60,
              Stat: 'Sum',
            },
            ReturnData: false,
          },
          {
            Id: 'started',
            MetricStat: {
              Metric: { Namespace: 'CF', MetricName: 'SagaStarted', Dimensions: saga },
              Period: 60,
              Stat: 'Sum',
            },
            ReturnData: false,
          },
          { Id: 'rate', Expression: 'IF(started >= 2, 100 * ok / started)', ReturnData: true },
        ],
        EvaluationPeriods: 1,
        Threshold: 90,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
      alarmDefinition('p99', arn('p99'), {
        Namespace: 'CF',
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 500,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
      alarmDefinition('search', arn('search'), {
        Metrics: [{ Id: 's', Expression: "SEARCH('{CF} Latency', 'Sum', 60)", ReturnData: true }],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ],
    { now: () => now, onTransition: (t) => transitions.push(t), periodSeconds: 1 },
  );
  return { cw, transitions, at: (ms: number) => (now = T0 + ms) };
}

const put = (cw: CloudWatchService, name: string, dims: typeof saga, at: number, value: number) =>
  cw.putDatapoint('CF', name, dims, single(T0 + at, value));
const state = (cw: CloudWatchService, name: string) => cw.alarms.get(name)!.status;

describe('alarms on metric math and percentiles', () => {
  it('evaluates an arithmetic metric-math alarm over its metric stats', () => {
    const { cw, at } = service();
    expect(state(cw, 'rate').reason).not.toMatch(/Unsupported/);
    put(cw, 'SagaStarted', saga, 100, 4);
    put(cw, 'SagaSucceeded', saga, 200, 4);
    at(1_000);
    cw.evaluate();
    expect(state(cw, 'rate').state).toBe('OK');
    put(cw, 'SagaStarted', saga, 1_100, 4);
    put(cw, 'SagaSucceeded', saga, 1_200, 2);
    at(2_000);
    cw.evaluate();
    expect(state(cw, 'rate')).toMatchObject({ state: 'ALARM' });
    expect(JSON.parse(state(cw, 'rate').reasonData!)).toMatchObject({ recentDatapoints: [50] });
  });

  it('evaluates a percentile alarm on the values', () => {
    const { cw, at } = service();
    for (let v = 1; v <= 100; v++) cw.putDatapoint('CF', 'Latency', [], single(T0 + 100 + v, v * 10));
    at(1_000);
    cw.evaluate();
    // p99 of 10..1000 is 990: over 500.
    expect(state(cw, 'p99')).toMatchObject({ state: 'ALARM' });
    expect(JSON.parse(state(cw, 'p99').reasonData!)).toMatchObject({
      statistic: 'p99',
      recentDatapoints: [990],
    });
  });

  it('keeps math it cannot run unsupported, saying why', () => {
    const { cw, at } = service();
    at(1_000);
    cw.evaluate();
    expect(state(cw, 'search')).toMatchObject({ state: 'INSUFFICIENT_DATA' });
    expect(state(cw, 'search').reason).toMatch(/Unsupported locally: metric math beyond arithmetic/);
  });
});
