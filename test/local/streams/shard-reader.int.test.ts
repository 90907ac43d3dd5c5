/**
 * The stream reader's adaptive polling against the real DynamoDB Local: a quiet stream backs off, a poke (a
 * write announced by the endpoint) reads at once, and the hub routes the endpoint's writes to the right reader.
 */
import { DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../local/core/aws-service.js';
import { quietLogger } from '../../../local/core/log.js';
import { dynamoDbProxy, fromLocalArn } from '../../../local/dynamodb/proxy.js';
import { TableWrites } from '../../../local/dynamodb/table-writes.js';
import type { HttpRequest } from '../../../local/server/router.js';
import { StreamHub } from '../../../local/streams/hub.js';
import { StreamReader, type StreamReaderOptions } from '../../../local/streams/shard-reader.js';
import { type LocalTables, startLocalTables } from '../../helpers/local-dynamodb.js';
import { until } from '../../helpers/local-streams.js';

let tables: LocalTables;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  tables = await startLocalTables();
});
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});
afterAll(async () => {
  await tables?.stop();
});

/** A new event store table and its stream ARN in the local cloud's region. */
async function streamTable(): Promise<{ table: string; streamArn: string }> {
  const table = await tables.eventStoreTable();
  const described = await tables.raw.send(new DescribeTableCommand({ TableName: table }));
  return { table, streamArn: fromLocalArn(String(described.Table?.LatestStreamArn), LOCAL_REGION) };
}

async function startReader(streamArn: string, options: Partial<StreamReaderOptions> = {}) {
  const reader = new StreamReader(streamArn, {
    endpoint: tables.local.endpoint,
    region: LOCAL_REGION,
    log: quietLogger,
    ...options,
  });
  await reader.start();
  stops.push(() => reader.stop());
  return reader;
}

const put = (table: string, streamId: string) =>
  tables.raw.send(
    new PutItemCommand({
      TableName: table,
      Item: { streamId: { S: streamId }, version: { N: '1' }, kind: { S: 'event' } },
    }),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordCount(reader: StreamReader): number {
  return reader.shardIds().reduce((sum, shardId) => sum + reader.recordsAfter(shardId, undefined).length, 0);
}

/** Milliseconds until the reader holds `count` records (waiting on its own signal, not polling it). */
async function msUntilRecords(reader: StreamReader, count: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (recordCount(reader) < count) {
    if (Date.now() - started > timeoutMs) throw new Error(`no record after ${timeoutMs} ms`);
    await reader.waitForRecords(timeoutMs);
  }
  return Date.now() - started;
}

describe('StreamReader polling', () => {
  it('backs off on a quiet stream to the idle interval', async () => {
    const { streamArn } = await streamTable();
    const reader = await startReader(streamArn, {
      pollIntervalMs: 10,
      idlePollIntervalMs: 160,
      holdFastMs: 50,
    });
    await until(() => reader.pollStats().sleepMs === 160, 10_000);
    const before = reader.pollStats();
    await sleep(800);
    // Fast polling would have made ~60 polls in 800 ms; at 160 ms apart it is about 5.
    expect(reader.pollStats().polls - before.polls).toBeLessThanOrEqual(7);
    expect(reader.pollStats().sleepMs).toBe(160);
  });

  it('reads at once when poked, however long it would have slept', async () => {
    const { table, streamArn } = await streamTable();
    const reader = await startReader(streamArn, {
      pollIntervalMs: 100,
      idlePollIntervalMs: 10_000,
      holdFastMs: 1_000,
    });
    // Nothing has happened yet: it backs off from the start (200, 400, 800, 1600 ms), then sleeps 3.2 s.
    await until(() => reader.pollStats().sleepMs >= 3_200, 10_000);
    await put(table, 'poked');
    reader.poke();
    // Unpoked, the record would wait for the end of that sleep, seconds away.
    expect(await msUntilRecords(reader, 1, 5_000)).toBeLessThan(1_500);
    expect(reader.pollStats().sleepMs).toBe(100);
  });

  it('polls a busy stream at most once per interval, however often it is poked (Lambda: 4 a second)', async () => {
    const { table, streamArn } = await streamTable();
    const reader = await startReader(streamArn, {
      pollIntervalMs: 200,
      idlePollIntervalMs: 10_000,
      holdFastMs: 1_000,
    });
    const before = reader.pollStats().polls;
    const started = Date.now();
    // A write and a poke every 20 ms for a second: fifty pokes.
    for (let i = 0; i < 50; i++) {
      await put(table, `busy-${i}`);
      reader.poke();
      await sleep(20);
    }
    const elapsed = Date.now() - started;
    // Every write is read, in batches: at most one poll per 200 ms of the run (and one more at its end).
    expect(await msUntilRecords(reader, 50, 5_000)).toBeLessThan(1_000);
    expect(reader.pollStats().polls - before).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 2);
  });

  it('still finds a write nobody announced, at the idle interval', async () => {
    const { table, streamArn } = await streamTable();
    const reader = await startReader(streamArn, {
      pollIntervalMs: 10,
      idlePollIntervalMs: 200,
      holdFastMs: 0,
    });
    await sleep(1_000);
    await put(table, 'unannounced');
    expect(await msUntilRecords(reader, 1, 5_000)).toBeLessThan(2_000);
  });
});

describe('StreamHub', () => {
  it("pokes the reader of the table the endpoint's proxy saw written, and only after a write", async () => {
    const { table, streamArn } = await streamTable();
    const other = await streamTable();
    const writes = new TableWrites();
    const proxy = dynamoDbProxy(tables.local.endpoint, { onWrite: (names) => writes.emit(names) });
    const hub = new StreamHub({ pollIntervalMs: 10, idlePollIntervalMs: 10_000 });
    const cloud = {
      dynamodb: { endpoint: tables.local.endpoint, tables: [], writes },
      region: LOCAL_REGION,
      logger: quietLogger,
    };
    const reader = await hub.acquire(cloud, streamArn);
    const otherReader = await hub.acquire(cloud, other.streamArn);
    stops.push(async () => {
      await hub.release(reader);
      await hub.release(otherReader);
    });
    // Both quiet, sleeping seconds (10, 20, 40 ... 2560 ms).
    await until(() => reader.pollStats().sleepMs >= 2_560, 10_000);

    const call = (operation: string, body: unknown) =>
      proxy(
        {
          method: 'POST',
          url: new URL('http://127.0.0.1/'),
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Buffer.from(JSON.stringify(body)),
          context: { region: LOCAL_REGION },
        } as unknown as HttpRequest,
        `DynamoDB_20120810.${operation}`,
      );
    const item = { streamId: { S: 'through-the-proxy' }, version: { N: '1' }, kind: { S: 'event' } };
    const written = Date.now();
    expect((await call('PutItem', { TableName: table, Item: item })).status).toBe(200);
    await msUntilRecords(reader, 1, 5_000);
    expect(Date.now() - written).toBeLessThan(1_500);

    // A refused write and a read wake nobody.
    const refused = await call('PutItem', {
      TableName: other.table,
      Item: item,
      ConditionExpression: 'attribute_exists(streamId)',
    });
    expect(refused.status).toBe(400);
    await call('GetItem', {
      TableName: other.table,
      Key: { streamId: item.streamId, version: item.version },
    });
    await sleep(100);
    // A poke would have brought it back to 10 ms.
    expect(hub.pollStats()[other.streamArn]?.sleepMs).toBeGreaterThan(1_000);
  });
});
