/**
 * A failing handler is seen: on the real app on the local cloud, an event that a subscriber throws on goes
 * through Lambda's retries to that function's on-failure queue (AsyncInvokeFailures), and the alarm on the
 * queue (messageWaitingAlarm: one message visible) goes to ALARM, as DescribeAlarms over the endpoint says,
 * notifying the platform's alarm topic. The local CloudWatch runs with a 1-second period, Lambda's
 * asynchronous retries 100 ms apart.
 */
import { randomUUID } from 'node:crypto';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApp, physicalName, publisherCredentials, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let cloudwatch: CloudWatchClient;
let inventoryPublisher: EventBridgeClient;
const retryDelay = process.env.LOCAL_LAMBDA_ASYNC_RETRY_DELAY_MS;

beforeAll(async () => {
  process.env.LOCAL_LAMBDA_ASYNC_RETRY_DELAY_MS = '100';
  app = await startLocalApp({ cloudWatchPeriodSeconds: 1 });
  const config = { endpoint: app.url, region: 'us-east-1' };
  cloudwatch = new CloudWatchClient({
    ...config,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  inventoryPublisher = new EventBridgeClient({
    ...config,
    credentials: publisherCredentials(app, 'inventory'),
  });
});

afterAll(async () => {
  cloudwatch?.destroy();
  inventoryPublisher?.destroy();
  await app?.stop();
  if (retryDelay === undefined) delete process.env.LOCAL_LAMBDA_ASYNC_RETRY_DELAY_MS;
  else process.env.LOCAL_LAMBDA_ASYNC_RETRY_DELAY_MS = retryDelay;
});

const alarmOf = async (alarmName: string) =>
  (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms?.[0];

describe('a failing handler raises its alarm', () => {
  it("lands an event the handler throws on in the function's on-failure queue, and that alarm fires", async () => {
    const queueName = physicalName(app, 'Security', 'OnAdminAction/Live/AsyncInvokeFailures/Queue');
    const alarmName = physicalName(app, 'Security', 'OnAdminAction/Live/AsyncInvokeFailures/Alarm');
    const alarmTopic = physicalName(app, 'Platform', 'AlarmTopic');

    // Before: the queue is empty (a datapoint of 0, not missing data) and the alarm is OK.
    await expect.poll(async () => (await alarmOf(alarmName))?.StateValue, { timeout: 15_000 }).toBe('OK');
    expect(await alarmOf(alarmName)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: queueName }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });

    // An admin's ProductAdded that matches the audit subscription but whose data is not a ProductAdded's: the
    // inventory's publisher may put it (the bus policy lets it through); OnAdminAction's parser throws on it.
    const eventId = randomUUID();
    const put = await inventoryPublisher.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: physicalName(app, 'Platform', 'DomainEvents/Bus'),
            Source: 'commerceforge.inventory',
            DetailType: 'ProductAdded',
            Detail: JSON.stringify({
              eventId,
              type: 'ProductAdded',
              version: 1,
              source: 'inventory',
              streamId: 'product-BROKEN',
              streamVersion: 1,
              occurredAt: new Date().toISOString(),
              correlationId: eventId,
              causationId: eventId,
              actor: { type: 'user', id: 'admin-1' },
              data: { sku: 42 },
            }),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);

    // Lambda's first attempt and its two retries fail, then the invocation record goes to the failure queue.
    const queue = app.sqs.get(queueName);
    await expect.poll(() => queue.messages.length, { timeout: 30_000 }).toBe(1);
    const record = JSON.parse(queue.messages[0]!.body);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { detail: { eventId } },
      responseContext: { functionError: 'Unhandled' },
    });

    await expect.poll(async () => (await alarmOf(alarmName))?.StateValue, { timeout: 15_000 }).toBe('ALARM');
    const alarm = await alarmOf(alarmName);
    expect(alarm?.StateReason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoint \[1\.0 .*greater than or equal to the threshold \(1\.0\)/,
    );
    const inAlarm = await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms?.map((a) => a.AlarmName)).toContain(alarmName);

    // Its action: a notification to the platform's alarm topic (recorded: the local cloud runs no SNS).
    expect(alarm?.AlarmActions?.[0]).toContain(`:sns:us-east-1:000000000000:${alarmTopic}`);
    const history = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: alarmName }));
    expect(history.AlarmHistoryItems?.map((item) => item.HistorySummary)).toEqual(
      expect.arrayContaining([
        'Alarm updated from OK to ALARM',
        `Published a notification to ${alarm?.AlarmActions?.[0]}`,
      ]),
    );
    expect(app.plugins.cloudWatch.notifications.some((n) => n.message.includes(alarmName))).toBe(true);
  });
});
