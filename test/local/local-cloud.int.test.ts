/**
 * The local cloud's core driven through the real AWS SDK clients: the fixture app (test/fixtures/local-core-app)
 * synthesized, then run once for the whole file on a free port.
 */
import {
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { quietLogger } from '../../local/core/log.js';
import { breakdownBetween } from '../../local/core/usage.js';
import { synthesizeFixtureApp } from '../helpers/fixture-app.js';
import { clientConfig, localClients } from '../helpers/local-clients.js';

let cloud: LocalCloud;
let clients: ReturnType<typeof localClients>;

/** A resource's physical name by its construct path, e.g. `LocalCoreStack/Thrower`. */
const physicalName = (constructPath: string): string => {
  const resource = cloud.model
    .resources()
    .find((candidate) => candidate.definition.Metadata?.['aws:cdk:path'] === `${constructPath}/Resource`);
  if (!resource) throw new Error(`no resource at ${constructPath}`);
  return cloud.model.identity(resource).name;
};

const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));

beforeAll(async () => {
  const assemblyDir = synthesizeFixtureApp();
  cloud = await startLocalCloud({ assemblyDir, port: 0, logger: quietLogger });
  clients = localClients(cloud.url);
});

afterAll(async () => {
  await cloud?.stop();
});

describe('Lambda', () => {
  it('invokes a function that writes to its table through the real SDK, cold then warm', async () => {
    const writer = String(cloud.model.outputs('LocalCoreStack').WriterName);
    const first = await clients.lambda.send(
      new InvokeCommand({ FunctionName: writer, Payload: JSON.stringify({ id: 'order-1', note: 'first' }) }),
    );
    expect(first.StatusCode).toBe(200);
    expect(first.FunctionError).toBeUndefined();
    const result = decode(first.Payload);
    expect(result).toMatchObject({
      ok: true,
      id: 'order-1',
      stage: 'local',
      region: 'us-east-1',
      functionName: writer,
    });
    expect(result.queueUrl).toMatch(/\/000000000000\/LocalCoreStack-Work/);

    const item = await clients.dynamodb.send(
      new GetItemCommand({ TableName: result.table, Key: { pk: { S: 'order-1' } } }),
    );
    expect(item.Item?.note?.S).toBe('first');

    const second = decode(
      (
        await clients.lambda.send(
          new InvokeCommand({ FunctionName: writer, Payload: JSON.stringify({ id: 'order-2' }) }),
        )
      ).Payload,
    );
    // The module was loaded once: the second invoke ran in the same (warm) environment.
    expect(second.loadedAt).toBe(result.loadedAt);
    const [cold, warm] = cloud.lambda.invocations(writer);
    expect(cold?.coldStart).toBe(true);
    expect(cold?.initDurationMs).toBeGreaterThan(0);
    expect(warm?.coldStart).toBe(false);
    expect(warm?.initDurationMs).toBeUndefined();
  });

  it('resolves an alias and a cross-stack import', async () => {
    const writer = String(cloud.model.outputs('LocalCoreStack').WriterName);
    const viaAlias = await clients.lambda.send(
      new InvokeCommand({ FunctionName: `${writer}:live`, Payload: JSON.stringify({ id: 'alias-1' }) }),
    );
    expect(viaAlias.ExecutedVersion).toBe('1');
    const reader = physicalName('LocalCoreConsumer/Reader');
    const fromConsumer = decode(
      (
        await clients.lambda.send(
          new InvokeCommand({ FunctionName: reader, Payload: JSON.stringify({ id: 'import-1' }) }),
        )
      ).Payload,
    );
    expect(fromConsumer).toMatchObject({ stage: 'consumer', table: decode(viaAlias.Payload).table });
  });

  it('loads a module from the function’s layer, built from an asset, as Lambda puts it under /opt/nodejs', async () => {
    const response = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: physicalName('LocalCoreStack/Greeter'),
        Payload: JSON.stringify({ name: 'Ada' }),
      }),
    );
    expect(response.FunctionError).toBeUndefined();
    expect(decode(response.Payload)).toEqual({ greeting: 'hello Ada, from the greeting layer' });
  });

  it("answers a thrown error in Lambda's shape", async () => {
    const response = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: physicalName('LocalCoreStack/Thrower'),
        Payload: JSON.stringify({ reason: 'card declined' }),
      }),
    );
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload)).toMatchObject({
      errorType: 'PaymentDeclinedError',
      errorMessage: 'card declined',
    });
    expect(decode(response.Payload).trace).toBeInstanceOf(Array);
  });

  it('reports an init failure on every invoke, re-initializing each time', async () => {
    const broken = physicalName('LocalCoreStack/Broken');
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await clients.lambda.send(new InvokeCommand({ FunctionName: broken }));
      expect(response.FunctionError).toBe('Unhandled');
      expect(decode(response.Payload)).toMatchObject({ errorMessage: 'REQUIRED_SETTING is not set' });
    }
    expect(cloud.lambda.invocations(broken).map((record) => record.coldStart)).toEqual([true, true]);
  });

  it('times a function out after its Timeout, and the next invoke is a cold start', async () => {
    const sleeper = physicalName('LocalCoreStack/Sleeper');
    const started = Date.now();
    const response = await clients.lambda.send(
      new InvokeCommand({ FunctionName: sleeper, Payload: JSON.stringify({ spin: true }) }),
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 1.00 seconds/),
    });
    const ok = await clients.lambda.send(
      new InvokeCommand({ FunctionName: sleeper, Payload: JSON.stringify({ ms: 10 }) }),
    );
    expect(decode(ok.Payload)).toEqual({ slept: 10 });
    expect(cloud.lambda.invocations(sleeper).at(-1)?.coldStart).toBe(true);
  });

  it("meters each function's invocations and its worker's CPU time, not its waiting", async () => {
    const sleeper = physicalName('LocalCoreStack/Sleeper');
    const before = cloud.usage.breakdown();
    const response = await clients.lambda.send(
      new InvokeCommand({ FunctionName: sleeper, Payload: JSON.stringify({ ms: 700 }) }),
    );
    expect(response.FunctionError).toBeUndefined();
    const grown = breakdownBetween(before, cloud.usage.breakdown());
    expect(grown['lambda.invocations']?.[sleeper]).toBe(1);
    const cpuMs = grown['lambda.cpuMs']?.[sleeper] ?? 0;
    expect(cpuMs).toBeGreaterThan(0);
    // It slept 700 ms: a timer's wait is not CPU (an init, if this was a cold start, is well under that).
    expect(cpuMs).toBeLessThan(500);
  });

  it('reports running out of memory as Lambda does', async () => {
    const response = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: physicalName('LocalCoreStack/Hog'),
        Payload: JSON.stringify({ hog: true }),
      }),
    );
    expect(response.FunctionError).toBe('Unhandled');
    expect(decode(response.Payload).errorType).toBe('Runtime.OutOfMemory');
  });

  it('throttles a synchronous invoke beyond reserved concurrency', async () => {
    const sleeper = physicalName('LocalCoreStack/Sleeper');
    // The SDK retries throttling by default: one attempt shows the throttle itself.
    const lambda = new LambdaClient({ ...clientConfig(cloud.url), maxAttempts: 1 });
    const invoke = () =>
      lambda.send(new InvokeCommand({ FunctionName: sleeper, Payload: JSON.stringify({ ms: 400 }) }));
    const results = await Promise.allSettled([invoke(), invoke(), invoke()]);
    const throttled = results.filter((result) => result.status === 'rejected');
    expect(throttled).toHaveLength(1);
    expect((throttled[0] as PromiseRejectedResult).reason.name).toBe('TooManyRequestsException');
  });

  it('retries a failed Event invocation as its EventInvokeConfig says, then sends the record to the on-failure queue', async () => {
    const thrower = physicalName('LocalCoreStack/Thrower');
    const response = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: thrower,
        InvocationType: 'Event',
        Payload: JSON.stringify({ reason: 'async-1' }),
      }),
    );
    expect(response.StatusCode).toBe(202);
    const queue = cloud.sqs.get(physicalName('LocalCoreStack/ThrowerFailures'));
    await expect.poll(() => queue.messages.length, { timeout: 10_000 }).toBe(1);
    const record = JSON.parse(queue.messages[0]?.body ?? '{}');
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 },
      requestPayload: { reason: 'async-1' },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: 'PaymentDeclinedError', errorMessage: 'async-1' },
    });
    expect(cloud.lambda.invocations(thrower).filter((r) => r.invocationType === 'Event')).toHaveLength(2);
  });

  it('sends an Event invocation older than its maximum event age to the on-failure queue instead of retrying it', async () => {
    const expiring = physicalName('LocalCoreStack/Expiring');
    const response = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: expiring,
        InvocationType: 'Event',
        Payload: JSON.stringify({ reason: 'aged-1' }),
      }),
    );
    expect(response.StatusCode).toBe(202);
    const queue = cloud.sqs.get(physicalName('LocalCoreStack/ThrowerFailures'));
    const aged = () =>
      queue.messages.map((m) => JSON.parse(m.body)).filter((r) => r.requestPayload?.reason === 'aged-1');
    await expect.poll(() => aged().length, { timeout: 10_000 }).toBe(1);
    // Two retries allowed, but the first was due after Lambda's 1 min wait, past the 60 s maximum age.
    expect(aged()[0]).toMatchObject({
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 1 },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: 'PaymentDeclinedError', errorMessage: 'aged-1' },
    });
    expect(cloud.lambda.invocations(expiring).filter((r) => r.invocationType === 'Event')).toHaveLength(1);
  });

  it("sends a successful Event invocation's record, with the function's answer, to the on-success destination", async () => {
    const greeter = physicalName('LocalCoreStack/Greeter');
    const response = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: greeter,
        InvocationType: 'Event',
        Payload: JSON.stringify({ name: 'ann' }),
      }),
    );
    expect(response.StatusCode).toBe(202);
    const queue = cloud.sqs.get(physicalName('LocalCoreStack/Greetings'));
    await expect.poll(() => queue.messages.length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(queue.messages[0]?.body ?? '{}')).toMatchObject({
      requestContext: { condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { name: 'ann' },
      responseContext: { statusCode: 200 },
      responsePayload: { greeting: expect.stringContaining('ann') },
    });
  });

  it('runs an Event invocation in the background', async () => {
    const writer = String(cloud.model.outputs('LocalCoreStack').WriterName);
    const response = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: writer,
        InvocationType: 'Event',
        Payload: JSON.stringify({ id: 'async-1' }),
      }),
    );
    expect(response.StatusCode).toBe(202);
    const table = physicalName('LocalCoreStack/Items');
    await expect
      .poll(
        async () =>
          (
            await clients.dynamodb.send(
              new GetItemCommand({ TableName: table, Key: { pk: { S: 'async-1' } } }),
            )
          ).Item,
      )
      .toBeDefined();
  });

  it('answers an unknown function with ResourceNotFoundException, and lists functions', async () => {
    await expect(clients.lambda.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const listed = await clients.lambda.send(new ListFunctionsCommand({}));
    expect(listed.Functions?.map((fn) => fn.FunctionName)).toContain(physicalName('LocalCoreStack/Thrower'));
    const got = await clients.lambda.send(
      new GetFunctionCommand({ FunctionName: physicalName('LocalCoreStack/Sleeper') }),
    );
    expect(got.Configuration).toMatchObject({ Timeout: 1, MemorySize: 128 });
  });
});

describe('DynamoDB', () => {
  it('creates the tables of the templates, with their index, stream and region-correct ARNs', async () => {
    const table = physicalName('LocalCoreStack/Items');
    expect((await clients.dynamodb.send(new ListTablesCommand({}))).TableNames).toContain(table);
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('byNote');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/.+\/stream\//);
  });

  it('answers a bad request with a DynamoDB error and keeps serving', async () => {
    await expect(
      clients.dynamodb.send(new DescribeTableCommand({ TableName: 'missing' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const response = await fetch(cloud.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'Nope_2020.Do' },
      body: '{',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect((await fetch(`${cloud.url}/health`)).status).toBe(200);
  });

  it("meters write units per table, a function's writes (its own data-plane thread) and an outside caller's alike", async () => {
    const table = physicalName('LocalCoreStack/Items');
    const unitsOf = async (): Promise<number> => {
      const body = (await (await fetch(`${cloud.url}/_local/usage`)).json()) as {
        breakdown: Record<string, Record<string, number>>;
      };
      return body.breakdown['dynamodb.writeRequestUnits']?.[table] ?? 0;
    };
    const before = await unitsOf();
    const writer = String(cloud.model.outputs('LocalCoreStack').WriterName);
    await clients.lambda.send(
      new InvokeCommand({ FunctionName: writer, Payload: JSON.stringify({ id: 'metered-1' }) }),
    );
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'metered-2' }, note: { S: 'outside' } } }),
    );
    // Two small items with a `note`, each written to the table and to its byNote index: two units each, as
    // DynamoDB bills it. The data plane reports across threads in batches, hence the wait.
    const deadline = Date.now() + 5_000;
    while ((await unitsOf()) - before < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await unitsOf()) - before).toBe(4);
    expect(cloud.usage.snapshot()['dynamodb.writeRequestUnits']).toBeGreaterThanOrEqual(2);
  });
});

describe('SQS', () => {
  it('sends, receives and deletes with checksums the SDK verifies', async () => {
    const { QueueUrl } = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: physicalName('LocalCoreStack/Work') }),
    );
    const sent = await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: '{"orderId":"o-1"}',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
      }),
    );
    expect(sent.MessageId).toBeDefined();
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    expect(Messages?.[0]).toMatchObject({
      Body: '{"orderId":"o-1"}',
      MessageAttributes: { kind: { StringValue: 'order' } },
    });
    await clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }),
    );
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('0');
  });

  it('redrives a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const { QueueUrl } = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: physicalName('LocalCoreStack/Work') }),
    );
    const dlqUrl = (
      await clients.sqs.send(new GetQueueUrlCommand({ QueueName: physicalName('LocalCoreStack/WorkDlq') }))
    ).QueueUrl;
    await clients.sqs.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'poison' }] }),
    );
    // Visibility timeout is 1 s and maxReceiveCount 2: two failed receives, then the DLQ.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { Messages } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }),
      );
      expect(Messages?.[0]?.Body).toBe('poison');
    }
    const { Messages: none } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }),
    );
    expect(none ?? []).toHaveLength(0);
    const { Messages: dead } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageSystemAttributeNames: ['All'] }),
    );
    expect(dead?.[0]?.Body).toBe('poison');
    expect(dead?.[0]?.Attributes?.DeadLetterQueueSourceArn).toMatch(/:LocalCoreStack-Work/);
  });

  it('lists the queues and sends in process', async () => {
    const { QueueUrls } = await clients.sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: 'LocalCoreStack' }),
    );
    // Work, its dead-letter queue, the Thrower's on-failure destination and the Greeter's on-success one.
    expect(QueueUrls).toHaveLength(4);
    const queue = physicalName('LocalCoreStack/WorkDlq');
    cloud.sqs.send(queue, 'from inside');
    const [message] = await cloud.sqs.receive(queue, { waitSeconds: 1 });
    expect(message?.body).toBe('from inside');
  });

  it('answers an unknown queue with QueueDoesNotExist', async () => {
    await expect(clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });
});

describe('X-Ray', () => {
  it("collects the SDK's subsegments under the function's own segment", async () => {
    const traced = physicalName('LocalCoreStack/Traced');
    const response = await clients.lambda.send(
      new InvokeCommand({ FunctionName: traced, Payload: '{"id":"traced-1"}' }),
    );
    expect(response.FunctionError).toBeUndefined();
    const header = decode(response.Payload).traceId as string;
    const root = /Root=([^;]+)/.exec(header)?.[1] ?? '';
    const parent = /Parent=([^;]+)/.exec(header)?.[1];
    await expect.poll(() => cloud.xray.get(root)?.segments.length ?? 0).toBeGreaterThanOrEqual(2);
    const segments = cloud.xray.get(root)?.segments ?? [];
    expect(segments.find((segment) => segment.id === parent)).toMatchObject({
      name: traced,
      origin: 'AWS::Lambda::Function',
    });
    expect(segments.some((segment) => segment.type === 'subsegment' && segment.parent_id === parent)).toBe(
      true,
    );
    const listed = (await (await fetch(`${cloud.url}/_local/traces`)).json()) as { traces: { id: string }[] };
    expect(listed.traces.map((trace) => trace.id)).toContain(root);
  });
});
