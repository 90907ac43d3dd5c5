import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../local/cloud.js';
import { quietLogger } from '../../../local/core/log.js';
import { SqsQueues } from '../../../local/sqs/queues.js';
import { SqsEventSource } from '../../../local/streams/sqs-source.js';
import { until } from '../../helpers/local-streams.js';

const sources: SqsEventSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

function mapping(
  props: {
    BatchSize?: number;
    MaximumBatchingWindowInSeconds?: number;
    ScalingConfig?: { MaximumConcurrency: number };
  } = {},
  hold: () => Promise<void> = async () => {},
) {
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
        await hold();
        return { statusCode: 200, payload: null, executedVersion: '$LATEST' };
      },
    },
  } as unknown as Pick<LocalCloud, 'lambda' | 'sqs' | 'region' | 'logger'>;
  const source = new SqsEventSource(
    cloud,
    { FunctionName: 'worker', EventSourceArn: queue.arn, ...props },
    'esm work',
  );
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

  it('opens the batching window with the first message, so a batch after a quiet spell still fills', async () => {
    const { sqs, queue, invoked } = mapping({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    for (let i = 0; i < 4; i++) {
      sqs.send(queue.arn, `m${i}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until(() => invoked.flatMap((call) => call.bodies).length === 4);
    // Each of the two pollers holds its batch open for the window: two batches, not four of one message.
    expect(invoked.length).toBeLessThanOrEqual(2);
    expect(invoked.flatMap((call) => call.bodies).sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('runs as many batches at once as MaximumConcurrency allows', async () => {
    let running = 0;
    let most = 0;
    const { sqs, queue, invoked } = mapping(
      { BatchSize: 1, ScalingConfig: { MaximumConcurrency: 2 } },
      async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running -= 1;
      },
    );
    for (let i = 0; i < 6; i++) sqs.send(queue.arn, `m${i}`);
    await until(() => invoked.length === 6);
    expect(most).toBe(2);
  });
});
