import { describe, expect, it } from 'vitest';
import { alarmDefinition } from '../../../local/cloudwatch/alarms.js';
import { formToJson, toXml } from '../../../local/cloudwatch/query-protocol.js';
import { type AlarmTransition, CloudWatchService } from '../../../local/cloudwatch/service.js';

const QUEUE_ALARM = {
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Namespace: 'AWS/SQS',
  Dimensions: [{ Name: 'QueueName', Value: 'failures' }],
  Statistic: 'Maximum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'notBreaching',
  AlarmActions: ['arn:aws:sns:us-east-1:000000000000:alarms'],
};

function serviceAt(start: number, periodSeconds?: number) {
  let now = start;
  const transitions: AlarmTransition[] = [];
  const service = new CloudWatchService(
    [
      alarmDefinition('waiting', 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:waiting', QUEUE_ALARM),
      alarmDefinition('math', 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:math', {
        Metrics: [{ Id: 'e1', Expression: 'm1 * 2' }],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
      alarmDefinition('custom', 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:custom', {
        MetricName: 'Failures',
        Namespace: 'Shop',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ],
    { now: () => now, onTransition: (t) => transitions.push(t), ...(periodSeconds ? { periodSeconds } : {}) },
  );
  return { service, transitions, advance: (ms: number) => (now += ms), now: () => now };
}

const failures = {
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
  dimensions: [{ Name: 'QueueName', Value: 'failures' }],
};
const describe_ = async (service: CloudWatchService, input: object = {}) =>
  (await service.handle('DescribeAlarms', input)) as { MetricAlarms: Array<Record<string, unknown>> };

describe('local CloudWatch service', () => {
  it('starts every alarm in INSUFFICIENT_DATA, marks metric math it cannot run unsupported, and evaluates a sampled gauge', async () => {
    const { service, transitions, advance, now } = serviceAt(1_000_000, 1);
    const before = await describe_(service, { AlarmNames: ['waiting', 'math'] });
    expect(before.MetricAlarms.map((a) => [a.AlarmName, a.StateValue])).toEqual([
      ['math', 'INSUFFICIENT_DATA'],
      ['waiting', 'INSUFFICIENT_DATA'],
    ]);
    expect(before.MetricAlarms[0]?.StateReason).toMatch(/metric math/);

    service.metrics.sample(failures, now(), 0);
    service.evaluate();
    expect((await describe_(service, { AlarmNames: ['waiting'] })).MetricAlarms[0]?.StateValue).toBe('OK');

    advance(2_000);
    service.metrics.sample(failures, now(), 1);
    service.evaluate();
    const [alarm] = (await describe_(service, { StateValue: 'ALARM' })).MetricAlarms;
    expect(alarm).toMatchObject({ AlarmName: 'waiting', StateValue: 'ALARM', Period: 60, Threshold: 1 });
    expect(alarm?.StateUpdatedTimestamp).toBe(now() / 1000);
    expect(JSON.parse(String(alarm?.StateReasonData))).toMatchObject({ recentDatapoints: [1], period: 1 });

    // The sample holds while nothing changes (a gauge), then the queue empties.
    advance(5_000);
    service.evaluate();
    expect(transitions.map((t) => t.newState)).toEqual(['OK', 'ALARM']);
    service.metrics.sample(failures, now(), 0);
    advance(1_500);
    service.evaluate();
    expect(transitions.map((t) => t.newState)).toEqual(['OK', 'ALARM', 'OK']);

    const history = (await service.handle('DescribeAlarmHistory', {
      AlarmName: 'waiting',
      HistoryItemType: 'StateUpdate',
    })) as {
      AlarmHistoryItems: Array<{ HistorySummary: string }>;
    };
    expect(history.AlarmHistoryItems.map((h) => h.HistorySummary)).toEqual([
      'Alarm updated from ALARM to OK',
      'Alarm updated from OK to ALARM',
      'Alarm updated from INSUFFICIENT_DATA to OK',
    ]);
  });

  it('takes custom metrics from PutMetricData and alarms on 2 of 3 periods', async () => {
    const { service, advance, now } = serviceAt(10_000_000);
    const put = (value: number) =>
      service.handle('PutMetricData', {
        Namespace: 'Shop',
        MetricData: [{ MetricName: 'Failures', Value: value, Timestamp: now() / 1000 }],
      });
    await put(20);
    advance(60_000);
    await put(2);
    await put(3);
    advance(60_000);
    await put(11);
    advance(1);
    service.evaluate();
    expect((await describe_(service, { AlarmNamePrefix: 'cust' })).MetricAlarms[0]?.StateValue).toBe('ALARM');
    advance(120_000);
    service.evaluate();
    // Two periods without data, one of 11: at least M (2) present is not met; missing data is not counted → ALARM stays
    // as the one present breaches.
    expect((await describe_(service, { AlarmNamePrefix: 'cust' })).MetricAlarms[0]?.StateValue).toBe('ALARM');
    advance(60_000);
    service.evaluate();
    expect((await describe_(service, { AlarmNamePrefix: 'cust' })).MetricAlarms[0]?.StateValue).toBe(
      'INSUFFICIENT_DATA',
    );
  });

  it('sets an alarm state by hand (a game day), until the next evaluation says otherwise', async () => {
    const { service, transitions, advance } = serviceAt(1_000);
    await service.handle('SetAlarmState', {
      AlarmName: 'waiting',
      StateValue: 'ALARM',
      StateReason: 'game day',
    });
    expect(transitions).toMatchObject([
      { oldState: 'INSUFFICIENT_DATA', newState: 'ALARM', reason: 'game day' },
    ]);
    service.evaluate();
    expect(transitions.at(-1)).toMatchObject({ newState: 'OK' });
    // Evaluated once per period: a state set in between holds until then.
    await service.handle('SetAlarmState', {
      AlarmName: 'waiting',
      StateValue: 'ALARM',
      StateReason: 'again',
    });
    advance(30_000);
    service.evaluate();
    expect(transitions.at(-1)).toMatchObject({ newState: 'ALARM', reason: 'again' });
    advance(30_000);
    service.evaluate();
    expect(transitions.at(-1)).toMatchObject({ newState: 'OK' });
  });

  it('answers bad input with CloudWatch errors, in both protocols codes', async () => {
    const { service } = serviceAt(1_000);
    await expect(
      service.handle('SetAlarmState', { AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFound',
      statusCode: 404,
    });
    await expect(
      service.handle('SetAlarmState', { AlarmName: 'waiting', StateValue: 'RED', StateReason: 'x' }),
    ).rejects.toMatchObject({
      code: 'InvalidParameterValueException',
      queryCompatibleCode: 'InvalidParameterValue',
    });
    await expect(
      service.handle('SetAlarmState', { AlarmName: 'waiting', StateValue: 'OK' }),
    ).rejects.toMatchObject({
      code: 'MissingRequiredParameterException',
      queryCompatibleCode: 'MissingParameter',
    });
    await expect(
      service.handle('DescribeAlarms', { AlarmNames: ['a'], AlarmNamePrefix: 'a' }),
    ).rejects.toMatchObject({
      queryCompatibleCode: 'InvalidParameterCombination',
    });
    await expect(
      service.handle('PutMetricData', { Namespace: 'AWS/SQS', MetricData: [{ MetricName: 'x', Value: 1 }] }),
    ).rejects.toMatchObject({ queryCompatibleCode: 'InvalidParameterValue' });
    await expect(
      service.handle('PutMetricData', { Namespace: 'Shop', MetricData: [{ MetricName: 'x', Value: 'abc' }] }),
    ).rejects.toMatchObject({
      queryCompatibleCode: 'InvalidParameterValue',
    });
  });

  it('pages DescribeAlarms with NextToken', async () => {
    const { service } = serviceAt(1_000);
    const first = (await service.handle('DescribeAlarms', { MaxRecords: 2 })) as {
      MetricAlarms: unknown[];
      NextToken?: string;
    };
    expect(first.MetricAlarms).toHaveLength(2);
    const second = (await service.handle('DescribeAlarms', {
      MaxRecords: 2,
      NextToken: first.NextToken,
    })) as {
      MetricAlarms: Array<{ AlarmName: string }>;
      NextToken?: string;
    };
    expect(second.MetricAlarms.map((a) => a.AlarmName)).toEqual(['waiting']);
    expect(second.NextToken).toBeUndefined();
  });
});

describe('CloudWatch query protocol', () => {
  it('reads members of lists and structures from the form', () => {
    const form = new URLSearchParams(
      'Action=PutMetricData&Version=2010-08-01&Namespace=Shop&MetricData.member.2.MetricName=B&MetricData.member.1.MetricName=A' +
        '&MetricData.member.1.Dimensions.member.1.Name=Q&MetricData.member.1.Dimensions.member.1.Value=q&MetricData.member.1.Value=1' +
        '&MetricData.member.1.StatisticValues.Sum=3',
    );
    expect(formToJson(form)).toEqual({
      Namespace: 'Shop',
      MetricData: [
        {
          MetricName: 'A',
          Dimensions: [{ Name: 'Q', Value: 'q' }],
          Value: '1',
          StatisticValues: { Sum: '3' },
        },
        { MetricName: 'B' },
      ],
    });
  });

  it('writes lists as members and timestamps as ISO 8601', () => {
    expect(
      toXml({
        MetricAlarms: [{ AlarmName: 'a<b', StateUpdatedTimestamp: 1_700_000_000, AlarmActions: ['x'] }],
      }),
    ).toBe(
      '<MetricAlarms><member><AlarmName>a&#60;b</AlarmName><StateUpdatedTimestamp>2023-11-14T22:13:20.000Z</StateUpdatedTimestamp>' +
        '<AlarmActions><member>x</member></AlarmActions></member></MetricAlarms>',
    );
  });
});
