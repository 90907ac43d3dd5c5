import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../local/cloud.js';
import { quietLogger } from '../../../local/core/log.js';
import { SqsQueues } from '../../../local/sqs/queues.js';
import { SqsEventSource } from '../../../local/streams/sqs-source.js';
import { until } from './helpers.js';

const sources: SqsEventSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

function mapping() {
  const sqs = new SqsQueues(() => 'http://127.0.0.1:4566', 'us-east-1', '000000000000');
  const queue = sqs.create('work');
  const invoked: Array<{ at: number; bodies: string[] }> = [];
  const cloud = {
    sqs,
    region: 'us-east-1',
    logger: quietLogger,
    lambda: {
      invoke: async (_name: string, event: { Records: Array<{ body: string }> }) => {
        invoked.push({ at: Date.now(), bodies: event.Records.map((record) => record.body) });
        return { statusCode: 200, payload: null, executedVersion: '$LATEST' };
      },
    },
  } as unknown as Pick<LocalCloud, 'lambda' | 'sqs' | 'region' | 'logger'>;
  const source = new SqsEventSource(cloud, { FunctionName: 'worker', EventSourceArn: queue.arn }, 'esm work');
  source.start();
  sources.push(source);
  return { sqs, queue, source, invoked };
}

describe('SqsEventSource', () => {
  it('invokes the moment a message arrives on a queue it has waited on for a while', async () => {
    const { sqs, queue, invoked } = mapping();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const sent = Date.now();
    sqs.send(queue.arn, 'hello');
    await until(() => invoked.length === 1);
    expect(invoked[0]?.bodies).toEqual(['hello']);
    expect((invoked[0]?.at ?? 0) - sent).toBeLessThan(200);
    await until(() => queue.messages.length === 0);
  });

  it('stops at once although its long poll of an empty queue lasts 20 s', async () => {
    const { source } = mapping();
    sources.pop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await source.stop();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
