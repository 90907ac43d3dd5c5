/**
 * The end-to-end test: the part-2 fixture app on a local cloud with the default plugins, driven through
 * the real AWS SDK clients. rule → state machine (Retry with backoff, Catch) → Lambda → table → stream → pipe
 * (filter, enrichment, input template) → bus → rule → SQS; an event source mapping on the same stream with a
 * filter, ReportBatchItemFailures and an on-failure queue; a malformed PutEvents entry.
 */
import { BatchWriteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/cloud.js';
import { quietLogger } from '../../../local/core/log.js';
import { defaultPlugins } from '../../../local/plugins.js';
import { clientConfig } from '../../helpers/local-clients.js';
import { synthesizePart2App } from './fixture.js';

let cloud: LocalCloud;
let outputs: Record<string, string>;
let events: EventBridgeClient;
let sfn: SFNClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  const assemblyDir = synthesizePart2App();
  cloud = await startLocalCloud({
    assemblyDir,
    port: 0,
    logger: quietLogger,
    // Retry waits of 1 s and 2 s play out in a tenth; failed stream batches are retried after 50 ms.
    plugins: defaultPlugins({ timeScale: 0.1, streamRetryDelayMs: () => 50 }),
  });
  outputs = cloud.model.outputs('LocalPart2Stack') as Record<string, string>;
  const config = clientConfig(cloud.url);
  events = new EventBridgeClient(config);
  sfn = new SFNClient(config);
  sqs = new SQSClient(config);
  dynamodb = new DynamoDBClient(config);
});

afterAll(async () => {
  await cloud?.stop();
});

const placeOrder = (detail: Record<string, unknown>) =>
  events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: outputs.BusName,
          Source: 'part2.orders',
          DetailType: 'OrderPlaced',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );

async function executionFor(orderId: string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: outputs.StateMachineArn }),
    );
    for (const execution of executions) {
      const described = await sfn.send(
        new DescribeExecutionCommand({ executionArn: execution.executionArn }),
      );
      if (described.status !== 'RUNNING' && described.input?.includes(`"${orderId}"`)) return described;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no finished execution for ${orderId}`);
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const all: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    all.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** Receives from a queue until `enough` says so or the time is up; returns every message seen. */
async function receiveUntil(queueUrl: string, enough: (messages: Message[]) => boolean, timeoutMs = 15_000) {
  const seen: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!enough(seen) && Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 600,
      }),
    );
    seen.push(...Messages);
  }
  return seen;
}

const bodies = (messages: Message[]) => messages.map((message) => JSON.parse(message.Body ?? 'null'));

describe('rule → state machine → Lambda → table → stream → pipe → bus → rule → SQS', () => {
  it('carries an order from PutEvents to the final queue, through a retried task and the outbox pipe', async () => {
    const put = await placeOrder({ orderId: 'order-1', total: 42, note: '{"gift": "yes"}' });
    expect(put.FailedEntryCount).toBe(0);

    const execution = await executionFor('order-1');
    expect(execution.status).toBe('SUCCEEDED');
    const types = (await history(execution.executionArn ?? '')).map((event) => event.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.filter((type) => type === 'LambdaFunctionScheduled')).toHaveLength(3);
    expect(types.filter((type) => type === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(types.filter((type) => type === 'LambdaFunctionSucceeded')).toHaveLength(1);
    expect(types.at(-1)).toBe('ExecutionSucceeded');

    const [message] = await receiveUntil(outputs.FinalQueueUrl ?? '', (m) => m.length > 0);
    const event = JSON.parse(message?.Body ?? '{}');
    expect(event).toMatchObject({
      source: 'part2.outbox',
      'detail-type': 'OrderRecorded',
      region: 'us-east-1',
      account: '000000000000',
      detail: {
        orderId: 'order-1',
        // A DynamoDB number is a string in the record: Pipes quotes it as one.
        total: '42',
        // A JSON-string value goes in as text with its inner quotes removed, as Pipes does.
        note: '{gift: yes}',
        enrichedBy: 'enricher',
      },
    });
    expect(event.detail.pipe).toMatch(/^LocalPart2Stack-Outbox-/);
  });

  it('catches a task that keeps failing: the history shows the failure and the Catch path', async () => {
    await placeOrder({ orderId: 'poison-1', total: 1 });
    const execution = await executionFor('poison-1');
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderNotRecorded');
    const events = await history(execution.executionArn ?? '');
    const failed = events.find((event) => event.type === 'LambdaFunctionFailed');
    expect(failed?.lambdaFunctionFailedEventDetails?.error).toBe('PoisonError');
    const entered = events
      .filter((event) => event.type?.endsWith('StateEntered'))
      .map((event) => event.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['RecordOrder', 'OrderNotRecorded', 'OrderFailed']);
    expect(events.at(-1)?.type).toBe('ExecutionFailed');
  });
});

describe('event source mapping on the stream', () => {
  it('delivers inserts with the real stream ARN, skips filtered records, retries from the first reported failure and sends the rest to the on-failure queue', async () => {
    await dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [outputs.OrdersTableName ?? '']: ['audit-a', 'audit-b', 'audit-c'].map((pk) => ({
            PutRequest: {
              Item: {
                pk: { S: pk },
                type: { S: 'Audit' },
                note: { S: pk === 'audit-b' ? 'audit-fail' : 'ok' },
              },
            },
          })),
        },
      }),
    );
    // A MODIFY: the mapping's filter lets INSERTs through only.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: outputs.OrdersTableName,
        Key: { pk: { S: 'audit-a' } },
        UpdateExpression: 'SET note = :n',
        ExpressionAttributeValues: { ':n': { S: 'modified' } },
      }),
    );

    const [failure] = bodies(await receiveUntil(outputs.AuditFailuresQueueUrl ?? '', (m) => m.length > 0));
    expect(failure).toMatchObject({
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        functionArn: expect.stringContaining(':function:'),
      },
      responseContext: { statusCode: 200 },
      version: '1.0',
      DDBStreamBatchInfo: {
        shardId: expect.stringMatching(/^shardId-/),
        streamArn: expect.stringMatching(/^arn:aws:dynamodb:us-east-1:000000000000:table\/.+\/stream\//),
      },
    });

    const seen = bodies(await receiveUntil(outputs.SeenQueueUrl ?? '', () => false, 1_500));
    const audits = seen.filter((record) => String(record.pk).startsWith('audit-'));
    expect(audits.every((record) => record.eventName === 'INSERT')).toBe(true);
    expect(audits.every((record) => record.awsRegion === 'us-east-1')).toBe(true);
    expect(audits[0]?.eventSourceARN).toBe(failure.DDBStreamBatchInfo.streamArn);
    // audit-a succeeded once; audit-b failed, was retried (with what followed it) and then discarded.
    expect(audits.filter((record) => record.pk === 'audit-a')).toHaveLength(1);
    expect(audits.filter((record) => record.pk === 'audit-b')).toHaveLength(2);
    const b = audits.find((record) => record.pk === 'audit-b');
    expect(failure.DDBStreamBatchInfo.startSequenceNumber).toBe(b.sequenceNumber);
    // The order written by the state machine reached the mapping too (TRIM_HORIZON), with a creation time to the second.
    const order = seen.find((record) => record.pk === 'order-1');
    expect(order?.created).toBeGreaterThan(Date.now() / 1000 - 120);
  });
});

describe('the endpoint under bad input', () => {
  it('answers a malformed PutEvents entry with an error entry and keeps serving', async () => {
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: outputs.BusName,
            Source: 'part2.orders',
            DetailType: 'OrderPlaced',
            Detail: '{not json',
          },
          { EventBusName: outputs.BusName, Source: 'part2.other', DetailType: 'Ignored', Detail: '{}' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[0]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(result.Entries?.[1]?.EventId).toBeTruthy();

    const matched = await events.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ['part2.orders'] }),
        Event: JSON.stringify({
          id: '1',
          account: '000000000000',
          source: 'part2.orders',
          time: '2026-01-01T00:00:00Z',
          region: 'us-east-1',
          resources: [],
          'detail-type': 'OrderPlaced',
          detail: {},
        }),
      }),
    );
    expect(matched.Result).toBe(true);
    const health = (await (await fetch(`${cloud.url}/health`)).json()) as {
      plugins: { pipes: { pipes: Array<{ events: number }> } };
    };
    expect(health.plugins.pipes.pipes[0]?.events).toBeGreaterThan(0);
  });
});
