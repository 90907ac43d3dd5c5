/**
 * The local CloudWatch on the fixture app (test/fixtures/local-core-app), driven by the real clients: the SDK
 * for JavaScript v3 (JSON protocol, `GraniteServiceVersion20100801.*`) and the AWS CLI v2 (query protocol) when
 * /usr/bin/aws is installed. A thrown asynchronous invocation lands in the function's on-failure queue and
 * the alarm on that queue fires, with a 1-second local period.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/cloud.js';
import { type CloudWatchPlugin, cloudWatchPlugin } from '../../../local/cloudwatch/index.js';
import { quietLogger } from '../../../local/core/log.js';
import { synthesizeFixtureApp } from '../../helpers/fixture-app.js';
import { clientConfig, localClients } from '../../helpers/local-clients.js';

const AWS_CLI = '/usr/bin/aws';
const run = promisify(execFile);

let cloud: LocalCloud;
let plugin: CloudWatchPlugin;
/** What the cloud printed (its info lines). */
const printed: string[] = [];
let cloudwatch: CloudWatchClient;

const physicalName = (constructPath: string): string => {
  const resource = cloud.model
    .resources()
    .find((candidate) => candidate.definition.Metadata?.['aws:cdk:path'] === `${constructPath}/Resource`);
  if (!resource) throw new Error(`no resource at ${constructPath}`);
  return cloud.model.identity(resource).name;
};

async function aws(...args: string[]): Promise<unknown> {
  const { stdout } = await run(AWS_CLI, ['--endpoint-url', cloud.url, '--output', 'json', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
    },
  });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

beforeAll(async () => {
  const assemblyDir = synthesizeFixtureApp();
  plugin = cloudWatchPlugin({ periodSeconds: 1 });
  cloud = await startLocalCloud({
    assemblyDir,
    port: 0,
    logger: { ...quietLogger, info: (line) => printed.push(line) },
    plugins: [plugin],
    warmFunctions: false,
  });
  cloudwatch = new CloudWatchClient(clientConfig(cloud.url));
});

afterAll(async () => {
  cloudwatch?.destroy();
  await cloud?.stop();
});

describe('local CloudWatch', () => {
  it("loads the template's alarm under CloudFormation's generated name, with its resolved properties", async () => {
    const alarmName = physicalName('LocalCoreStack/ThrowerFailuresAlarm');
    expect(alarmName).toMatch(/^LocalCoreStack-ThrowerFailuresAlarm/);
    const { MetricAlarms = [] } = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'LocalCoreStack-' }),
    );
    expect(MetricAlarms).toHaveLength(1);
    expect(MetricAlarms[0]).toMatchObject({
      AlarmName: alarmName,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${alarmName}`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: physicalName('LocalCoreStack/ThrowerFailures') }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [expect.stringMatching(/^arn:aws:sns:us-east-1:000000000000:LocalCoreStack-Alarms/)],
    });
    expect(MetricAlarms[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    // An empty queue is data (0), not missing: the alarm is OK after the first evaluation.
    await expect
      .poll(
        async () =>
          (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms?.[0]
            ?.StateValue,
      )
      .toBe('OK');
  });

  it("fires when a failing handler's event reaches its on-failure queue, and notifies the topic", async () => {
    const alarmName = physicalName('LocalCoreStack/ThrowerFailuresAlarm');
    const { lambda } = localClients(cloud.url);
    await lambda.send(
      new InvokeCommand({
        FunctionName: physicalName('LocalCoreStack/Thrower'),
        InvocationType: 'Event',
        Payload: '{"reason":"alarm-1"}',
      }),
    );
    lambda.destroy();
    const queue = cloud.sqs.get(physicalName('LocalCoreStack/ThrowerFailures'));
    await expect.poll(() => queue.messages.length, { timeout: 15_000 }).toBe(1);

    await expect
      .poll(
        async () =>
          (await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }))).MetricAlarms?.map(
            (a) => a.AlarmName,
          ),
        { timeout: 15_000 },
      )
      .toContain(alarmName);
    const alarm = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] })))
      .MetricAlarms?.[0];
    expect(alarm?.StateReason).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoint \[1\.0 /);
    expect(JSON.parse(alarm?.StateReasonData ?? '{}')).toMatchObject({ recentDatapoints: [1], threshold: 1 });

    // Into ALARM: a line of its own with the reason; the first evaluation's moves (OK <-> no data) are counted.
    expect(printed).toContainEqual(
      expect.stringMatching(new RegExp(`cloudwatch: alarm ${alarmName} OK -> ALARM: Threshold Crossed`)),
    );
    expect(printed).toContainEqual(expect.stringMatching(/cloudwatch: alarms 1 INSUFFICIENT_DATA -> OK$/));
    expect(printed.filter((line) => line.includes(`alarm ${alarmName} INSUFFICIENT_DATA`))).toEqual([]);

    expect(plugin.notifications.at(-1)).toMatchObject({ topicArn: alarm?.AlarmActions?.[0] });
    expect(JSON.parse(plugin.notifications.at(-1)?.message ?? '{}')).toMatchObject({
      AlarmName: alarmName,
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
    });
    const { AlarmHistoryItems = [] } = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({ AlarmName: alarmName }),
    );
    expect(AlarmHistoryItems.map((item) => [item.HistoryItemType, item.HistorySummary])).toEqual(
      expect.arrayContaining([
        ['StateUpdate', 'Alarm updated from OK to ALARM'],
        ['Action', `Published a notification to ${alarm?.AlarmActions?.[0]}`],
      ]),
    );

    // Lambda's metrics from the invocation records: both attempts failed.
    const errors = () =>
      plugin.service?.metrics.periods(
        {
          namespace: 'AWS/Lambda',
          metricName: 'Errors',
          dimensions: [{ Name: 'FunctionName', Value: physicalName('LocalCoreStack/Thrower') }],
        },
        'Sum',
        120_000,
        1,
        Date.now(),
      )[0]?.value;
    await expect.poll(errors).toBe(2);

    // The queue's other sampled metric: the age of the failed event, in seconds.
    const age = plugin.service?.metrics.periods(
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: [{ Name: 'QueueName', Value: queue.name }],
      },
      'Maximum',
      60_000,
      1,
      Date.now(),
    )[0]?.value;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);

    // Drained (a redrive), it goes back to OK.
    queue.purge();
    await expect
      .poll(
        async () =>
          (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms?.[0]
            ?.StateValue,
        {
          timeout: 15_000,
        },
      )
      .toBe('OK');
  });

  it('sets an alarm state for a game day and takes custom metrics, refusing bad input with typed errors', async () => {
    const alarmName = physicalName('LocalCoreStack/ThrowerFailuresAlarm');
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'game day' }),
    );
    const history = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: alarmName,
        HistoryItemType: 'StateUpdate',
        MaxRecords: 1,
      }),
    );
    expect(JSON.parse(history.AlarmHistoryItems?.[0]?.HistoryData ?? '{}')).toMatchObject({
      newState: { stateValue: 'ALARM', stateReason: 'game day' },
    });

    await expect(
      cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'x' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFound', $metadata: { httpStatusCode: 404 } });
    await expect(
      cloudwatch.send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'RED' as never, StateReason: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', Code: 'InvalidParameterValue' });

    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'LocalTest',
        MetricData: [{ MetricName: 'Orders', Value: 3, Dimensions: [{ Name: 'Stage', Value: 'local' }] }],
      }),
    );
    expect(plugin.service?.metrics.list()).toContainEqual({
      namespace: 'LocalTest',
      metricName: 'Orders',
      dimensions: [{ Name: 'Stage', Value: 'local' }],
    });
    // Over 10 KB the SDK gzips PutMetricData (request compression): the endpoint reads it all the same.
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'LocalTest',
        MetricData: Array.from({ length: 300 }, (_, i) => ({
          MetricName: 'Compressed',
          Value: i,
          Dimensions: [{ Name: 'Shard', Value: `shard-${i % 3}-${'x'.repeat(20)}` }],
        })),
      }),
    );
    expect(plugin.service?.metrics.list().filter((m) => m.metricName === 'Compressed')).toHaveLength(3);
    await expect(
      cloudwatch.send(
        new PutMetricDataCommand({ Namespace: 'AWS/SQS', MetricData: [{ MetricName: 'x', Value: 1 }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it.skipIf(!existsSync(AWS_CLI))(
    'serves the AWS CLI (query protocol): describe, set state, history, put metric data, errors',
    async () => {
      const alarmName = physicalName('LocalCoreStack/ThrowerFailuresAlarm');
      const described = (await aws('cloudwatch', 'describe-alarms', '--alarm-names', alarmName)) as {
        MetricAlarms: Array<Record<string, unknown>>;
      };
      expect(described.MetricAlarms).toHaveLength(1);
      expect(described.MetricAlarms[0]).toMatchObject({
        AlarmName: alarmName,
        Dimensions: [{ Name: 'QueueName', Value: physicalName('LocalCoreStack/ThrowerFailures') }],
        Threshold: 1,
        EvaluationPeriods: 1,
        ActionsEnabled: true,
      });
      expect(String(described.MetricAlarms[0]?.StateUpdatedTimestamp)).toMatch(/^\d{4}-\d\d-\d\dT/);

      // The queue is empty: the next evaluation puts the alarm (set to ALARM by the test before) back to OK.
      const inState = async (state: string) =>
        (
          (await aws(
            'cloudwatch',
            'describe-alarms',
            '--state-value',
            state,
            '--alarm-name-prefix',
            'LocalCoreStack-',
          )) as {
            MetricAlarms: Array<{ AlarmName: string }>;
          }
        ).MetricAlarms.map((a) => a.AlarmName);
      await expect.poll(() => inState('OK'), { timeout: 15_000 }).toContain(alarmName);
      await aws(
        'cloudwatch',
        'set-alarm-state',
        '--alarm-name',
        alarmName,
        '--state-value',
        'ALARM',
        '--state-reason',
        'cli game day',
      );
      const history = (await aws(
        'cloudwatch',
        'describe-alarm-history',
        '--alarm-name',
        alarmName,
        '--history-item-type',
        'StateUpdate',
      )) as {
        AlarmHistoryItems: Array<{ HistorySummary: string; HistoryData: string }>;
      };
      expect(history.AlarmHistoryItems.some((item) => item.HistoryData.includes('cli game day'))).toBe(true);

      await aws(
        'cloudwatch',
        'put-metric-data',
        '--namespace',
        'LocalCli',
        '--metric-name',
        'Orders',
        '--value',
        '2',
        '--dimensions',
        'Stage=local',
      );
      expect(plugin.service?.metrics.list()).toContainEqual({
        namespace: 'LocalCli',
        metricName: 'Orders',
        dimensions: [{ Name: 'Stage', Value: 'local' }],
      });

      const failure = await aws(
        'cloudwatch',
        'set-alarm-state',
        '--alarm-name',
        'nope',
        '--state-value',
        'OK',
        '--state-reason',
        'x',
      ).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).not.toBe(0);
      expect(failure?.stderr).toContain('(ResourceNotFound)');
    },
  );
});
