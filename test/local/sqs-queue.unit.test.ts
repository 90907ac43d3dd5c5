import { describe, expect, it, vi } from 'vitest';
import { md5OfMessageAttributes } from '../../local/sqs/md5.js';
import { SqsQueues } from '../../local/sqs/queues.js';

const queues = () => new SqsQueues(() => 'http://127.0.0.1:4566', 'us-east-1', '000000000000');

describe('local SQS queues', () => {
  it('long-polls until a message arrives', async () => {
    const sqs = queues();
    sqs.create('work');
    const receiving = sqs.receive('work', { waitSeconds: 2 });
    setTimeout(() => sqs.send('work', 'late'), 50);
    const started = Date.now();
    expect((await receiving).map((message) => message.body)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('hides a received message for the visibility timeout, then delivers it again', async () => {
    const sqs = queues();
    sqs.create('work');
    sqs.send('work', 'again');
    expect(await sqs.receive('work', { visibilitySeconds: 0.1 })).toHaveLength(1);
    expect(await sqs.receive('work')).toHaveLength(0);
    const [second] = await sqs.receive('work', { waitSeconds: 1 });
    expect(second?.receiveCount).toBe(2);
  });

  it('delays messages and finds queues by name, URL and ARN', async () => {
    const sqs = queues();
    const queue = sqs.create('delayed', { DelaySeconds: '1' });
    sqs.send(queue.arn, 'later');
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(sqs.get(queue.url)).toBe(queue);
    expect(() => sqs.get('nope')).toThrow(expect.objectContaining({ code: 'QueueDoesNotExist' }));
  });

  it('keeps a FIFO group in order and drops a duplicate', async () => {
    const sqs = queues();
    sqs.create('orders.fifo', { ContentBasedDeduplication: 'true' });
    sqs.send('orders.fifo', { body: 'one', groupId: 'g' });
    sqs.send('orders.fifo', { body: 'one', groupId: 'g' });
    sqs.send('orders.fifo', { body: 'two', groupId: 'g' });
    const [first] = await sqs.receive('orders.fifo', { max: 1 });
    expect(first?.body).toBe('one');
    // The group is blocked while its first message is in flight.
    expect(await sqs.receive('orders.fifo', { max: 10 })).toHaveLength(0);
    sqs.deleteMessage('orders.fifo', first!.receiptHandle!);
    expect((await sqs.receive('orders.fifo', { max: 10 })).map((message) => message.body)).toEqual(['two']);
  });

  it('ends a long poll at once when its signal aborts', async () => {
    const sqs = queues();
    sqs.create('idle');
    const stopping = new AbortController();
    const receiving = sqs.receive('idle', { waitSeconds: 20, signal: stopping.signal });
    const started = Date.now();
    setTimeout(() => stopping.abort(), 20);
    expect(await receiving).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('sleeps through a long poll while a FIFO group is blocked, instead of looking every few ms', async () => {
    const sqs = queues();
    sqs.create('blocked.fifo', { ContentBasedDeduplication: 'true', VisibilityTimeout: '30' });
    sqs.send('blocked.fifo', { body: 'one', groupId: 'g' });
    sqs.send('blocked.fifo', { body: 'two', groupId: 'g' });
    const [first] = await sqs.receive('blocked.fifo');
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const receiving = sqs.receive('blocked.fifo', { waitSeconds: 2 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // 'two' is visible but its group waits for 'one': only the delete can free it.
      const sleeps = timers.mock.calls.length - 1;
      sqs.deleteMessage('blocked.fifo', first!.receiptHandle!);
      expect((await receiving).map((message) => message.body)).toEqual(['two']);
      expect(sleeps).toBeLessThanOrEqual(2);
    } finally {
      timers.mockRestore();
    }
  });

  it("computes SQS's MD5 of message attributes", () => {
    // botocore (AWS CLI 2.9) checks this checksum on send and receive, and accepted this value for {k: String "v"}.
    expect(md5OfMessageAttributes({ k: { DataType: 'String', StringValue: 'v' } })).toBe(
      '0a77b0642718c3d9dd47090567d11e0d',
    );
  });
});
