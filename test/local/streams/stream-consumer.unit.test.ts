import { afterEach, describe, expect, it } from 'vitest';
import { quietLogger } from '../../../local/core/log.js';
import type { ShardRecord } from '../../../local/streams/records.js';
import {
  type DeliveryOutcome,
  type DiscardInfo,
  StreamConsumer,
  type StreamConsumerConfig,
} from '../../../local/streams/stream-consumer.js';
import { FakeReader, pkOf, record, until } from '../../helpers/local-streams.js';

const consumers: StreamConsumer[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
});

function consume(
  reader: FakeReader,
  config: Partial<StreamConsumerConfig> & { deliver: StreamConsumerConfig['deliver'] },
) {
  const discarded: Array<{ batch: string[]; info: DiscardInfo }> = [];
  const consumer = new StreamConsumer(
    reader.asReader(),
    {
      name: 'test',
      startingPosition: 'TRIM_HORIZON',
      retryDelayMs: () => 1,
      discard: async (batch, info) => {
        discarded.push({ batch: batch.map(pkOf), info });
      },
      ...config,
    },
    quietLogger,
  );
  consumer.start();
  consumers.push(consumer);
  return { consumer, discarded };
}

/** Records every batch it is given; `answer` decides the outcome. */
function recorder(
  answer: (batch: readonly ShardRecord[], call: number) => DeliveryOutcome = () => ({ ok: true }),
) {
  const batches: string[][] = [];
  return {
    batches,
    deliver: async (batch: readonly ShardRecord[]) => {
      batches.push(batch.map(pkOf));
      return answer(batch, batches.length);
    },
  };
}

describe('StreamConsumer batching', () => {
  it('delivers in order, BatchSize at a time, and checkpoints', async () => {
    const reader = new FakeReader();
    reader.push(...['a', 'b', 'c', 'd', 'e'].map((pk) => record(pk)));
    const target = recorder();
    const { consumer } = consume(reader, { batchSize: 2, deliver: target.deliver });
    await until(() => target.batches.length === 3);
    expect(target.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(consumer.checkpoint(reader.records[0]?.shardId ?? '')).toBe(reader.records[4]?.sequenceNumber);
  });

  it('drops what the filter refuses and never delivers a batch of nothing', async () => {
    const reader = new FakeReader();
    reader.push(record('a', { type: 'Skip' }), record('b'), record('c', { type: 'Skip' }));
    const target = recorder();
    const { consumer } = consume(reader, {
      filter: (r) => (r.raw.dynamodb.NewImage?.type as { S: string } | undefined)?.S !== 'Skip',
      deliver: target.deliver,
    });
    await until(() => consumer.stats().filteredOut === 2);
    await until(
      () => consumer.checkpoint(reader.records[2]?.shardId ?? '') === reader.records[2]?.sequenceNumber,
    );
    expect(target.batches).toEqual([['b']]);
  });

  it('starts after what the stream held with LATEST', async () => {
    const reader = new FakeReader();
    reader.push(record('old'));
    const target = recorder();
    consume(reader, { startingPosition: 'LATEST', deliver: target.deliver });
    await new Promise((resolve) => setTimeout(resolve, 20));
    reader.push(record('new'));
    await until(() => target.batches.length === 1);
    expect(target.batches).toEqual([['new']]);
  });

  it('waits MaximumBatchingWindowInSeconds for a fuller batch', async () => {
    const reader = new FakeReader();
    reader.push(record('a'));
    const target = recorder();
    consume(reader, { batchingWindowSeconds: 0.1, batchSize: 10, deliver: target.deliver });
    await new Promise((resolve) => setTimeout(resolve, 30));
    reader.push(record('b'));
    await until(() => target.batches.length === 1);
    expect(target.batches).toEqual([['a', 'b']]);
  });
});

describe('StreamConsumer failures', () => {
  it('blocks the shard on a failing batch, retries it MaximumRetryAttempts times, then discards it', async () => {
    const reader = new FakeReader();
    reader.push(record('a'), record('b'));
    const target = recorder((batch) =>
      pkOf(batch[0] as ShardRecord) === 'a'
        ? { ok: false, error: 'boom', response: { statusCode: 200, functionError: 'Unhandled' } }
        : { ok: true },
    );
    const { discarded } = consume(reader, { batchSize: 1, maximumRetryAttempts: 2, deliver: target.deliver });
    await until(() => target.batches.length === 4);
    // three attempts of a (1 + 2 retries) before b, which waited behind it
    expect(target.batches).toEqual([['a'], ['a'], ['a'], ['b']]);
    expect(discarded).toEqual([
      {
        batch: ['a'],
        info: expect.objectContaining({ condition: 'RetryAttemptsExhausted', invokeCount: 3 }),
      },
    ]);
  });

  it('retries from the first failed sequence number on a partial batch response', async () => {
    const reader = new FakeReader();
    reader.push(record('a'), record('b'), record('c'));
    const target = recorder((batch, call) => {
      const b = batch.find((r) => pkOf(r) === 'b');
      return call === 1 && b
        ? { ok: false, firstFailedSequence: b.sequenceNumber, error: 'b failed' }
        : { ok: true };
    });
    const { consumer } = consume(reader, { deliver: target.deliver });
    await until(() => target.batches.length === 2);
    expect(target.batches).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
    await until(() => consumer.stats().delivered === 3);
  });

  it('bisects a failing batch without using retries until the bad record is alone', async () => {
    const reader = new FakeReader();
    reader.push(...['a', 'b', 'c', 'd'].map((pk) => record(pk)));
    const target = recorder((batch) =>
      batch.some((r) => pkOf(r) === 'c') ? { ok: false, error: 'c is bad' } : { ok: true },
    );
    const { discarded } = consume(reader, {
      bisectOnError: true,
      maximumRetryAttempts: 0,
      deliver: target.deliver,
    });
    await until(() => discarded.length === 1);
    await until(() => target.batches.at(-1)?.[0] === 'd');
    expect(target.batches).toEqual([['a', 'b', 'c', 'd'], ['a', 'b'], ['c', 'd'], ['c'], ['d']]);
    expect(discarded[0]?.batch).toEqual(['c']);
  });

  it('discards records older than MaximumRecordAgeInSeconds as RecordAgeExceeded', async () => {
    const reader = new FakeReader();
    const old = Date.now() - 120_000;
    reader.push(record('stale', { observedAt: old }), record('fresh'));
    const target = recorder();
    const { discarded } = consume(reader, { maximumRecordAgeSeconds: 60, deliver: target.deliver });
    await until(() => target.batches.length === 1);
    expect(target.batches).toEqual([['fresh']]);
    expect(discarded).toEqual([
      { batch: ['stale'], info: expect.objectContaining({ condition: 'RecordAgeExceeded' }) },
    ]);
  });
});
