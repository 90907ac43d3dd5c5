import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietLogger } from '../../local/core/log.js';
import { Router } from '../../local/server/router.js';
import { SqsQueues } from '../../local/sqs/queues.js';
import { SqsService } from '../../local/sqs/sqs-service.js';
import { parseArgs, redrive } from '../../scripts/redrive.js';

// Issue 16: `npm run redrive -- <queue>` moves dead-lettered messages back to the queue they failed from.

const router = new Router(quietLogger);
let client: SQSClient;
let endpoint = '';

beforeAll(async () => {
  router.registerService(new SqsService(new SqsQueues(() => endpoint, 'us-east-1', '000000000000')));
  const port = await router.listen(0);
  endpoint = `http://127.0.0.1:${port}`;
  client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client?.destroy();
  await router.close();
});

async function queuePair(prefix: string) {
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${prefix}-dlq` }));
  const arn = (
    await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const source = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-work`,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 3 }) },
    }),
  );
  return { dlq: dlq.QueueUrl!, source: source.QueueUrl! };
}

const drain = async (url: string) => {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => `${m.Body}|${m.MessageAttributes?.kind?.StringValue ?? ''}`));
  }
};

describe('redrive', () => {
  it('moves every dead letter back to its source queue (found by a part of its name), attributes kept', async () => {
    const { dlq, source } = await queuePair('orders-projector');
    for (let i = 0; i < 13; i++) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: dlq,
          MessageBody: `event-${i}`,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'OrderPlaced' } },
        }),
      );
    }
    const lines: string[] = [];
    const result = await redrive({ queue: 'projector-dlq', client, progress: (l) => lines.push(l) });
    expect(result).toEqual({ from: dlq, to: source, moved: 13 });
    expect(lines.at(-1)).toContain('13 message(s) moved');
    expect(await drain(dlq)).toEqual([]);
    const back = await drain(source);
    expect(back.sort()).toEqual(Array.from({ length: 13 }, (_, i) => `event-${i}|OrderPlaced`).sort());
  });

  it('stops at --max, and refuses an ambiguous or unknown queue and a DLQ with no source without moving anything', async () => {
    const { dlq, source } = await queuePair('payments-handler');
    for (let i = 0; i < 3; i++)
      await client.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: `m${i}` }));
    expect((await redrive({ queue: 'payments-handler-dlq', client, max: 2 })).moved).toBe(2);
    await expect(redrive({ queue: 'dlq', client })).rejects.toThrow(/names \d+ queues/);
    await expect(redrive({ queue: 'nothing-like-this', client })).rejects.toThrow(/no queue named like/);
    const orphan = await client.send(new CreateQueueCommand({ QueueName: 'target-orphan-dlq' }));
    await client.send(new SendMessageCommand({ QueueUrl: orphan.QueueUrl, MessageBody: 'stay' }));
    await expect(redrive({ queue: 'target-orphan-dlq', client })).rejects.toThrow(/give --to/);
    expect(await drain(orphan.QueueUrl!)).toEqual(['stay|']);
    expect((await drain(source)).length).toBe(2);
    expect(() => parseArgs(['q', '--max', '0'])).toThrow(/positive integer/);
    expect(parseArgs(['q', '--to', 'w', '--max', '5'])).toEqual({ queue: 'q', to: 'w', max: 5 });
  });
});
