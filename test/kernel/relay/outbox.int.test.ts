import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from '../../../functions/kernel/publisher.js';
import { relayRecords } from '../../../functions/kernel/relay/relay.js';
import { createEventStore } from '../../../functions/kernel/store/dynamodb.js';
import { handleCommand } from '../../../functions/kernel/store/index.js';
import { LOCAL_AUTHORIZATION } from '../../../local/dynamodb/dynamodb-local.js';
import { stockDecider, testMetadata } from '../../helpers/inventory.js';
import { type LocalTables, startLocalTables } from '../../helpers/local-dynamodb.js';

/**
 * The outbox end to end on the real DynamoDB Local stream: a command appends (and snapshots, and claims a
 * guard), the stream records are read as Lambda would receive them, the relay publishes. The bus is a mock:
 * what matters here is that the real records parse and that only events go out, unchanged.
 */
let tables: LocalTables;
const eb = mockClient(EventBridgeClient);

beforeAll(async () => {
  tables = await startLocalTables();
});
afterAll(async () => {
  eb.restore();
  await tables?.stop();
});

async function streams(target: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(tables.local.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${target}`,
      authorization: LOCAL_AUTHORIZATION,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${target}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Every record of the table's stream so far, shaped as a Lambda event's Records. */
async function streamRecords(tableName: string): Promise<unknown[]> {
  const table = await tables.raw.send(new DescribeTableCommand({ TableName: tableName }));
  const described = (await streams('DescribeStream', { StreamArn: table.Table!.LatestStreamArn })) as {
    StreamDescription: { Shards: { ShardId: string }[] };
  };
  const records: unknown[] = [];
  for (const shard of described.StreamDescription.Shards) {
    let iterator = (
      (await streams('GetShardIterator', {
        StreamArn: table.Table!.LatestStreamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      })) as { ShardIterator?: string }
    ).ShardIterator;
    for (let i = 0; iterator && i < 5; i++) {
      const page = (await streams('GetRecords', { ShardIterator: iterator })) as {
        Records: Record<string, unknown>[];
        NextShardIterator?: string;
      };
      records.push(
        ...page.Records.map((r) => ({ ...r, eventSource: 'aws:dynamodb', awsRegion: 'us-east-1' })),
      );
      if (page.Records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

describe('outbox on DynamoDB Local streams', () => {
  it('publishes exactly the appended events, unchanged, and nothing else the table holds', async () => {
    const tableName = await tables.eventStoreTable();
    const store = createEventStore({ client: tables.doc, tableName });
    const metadata = testMetadata();
    const appended = [];
    const first = await handleCommand({
      store,
      decider: stockDecider,
      streamId: 'SKU-OUT',
      command: { type: 'AddProduct', sku: 'SKU-OUT', name: 'Out', price: 100, initialStock: 9 },
      metadata,
      guards: () => [{ key: 'name#out', rule: 'product-name-unique' }],
      snapshots: { every: 2 },
    });
    appended.push(...first.events);
    for (let i = 1; i <= 3; i++) {
      const next = await handleCommand({
        store,
        decider: stockDecider,
        streamId: 'SKU-OUT',
        command: { type: 'Reserve', reservationId: `r-${i}`, orderId: `o-${i}`, quantity: 1 },
        metadata,
        snapshots: { every: 2 },
      });
      appended.push(...next.events);
    }

    eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `eb-${i}` })),
    }));
    const publisher = createPublisher({
      client: new EventBridgeClient({ region: 'us-east-1' }),
      eventBusName: 'bus',
    });
    const records = await streamRecords(tableName);
    // Events, the guard, the snapshot's insert and its update: the relay keeps the events.
    expect(records.length).toBeGreaterThan(appended.length);
    const report = await relayRecords(records, publisher);
    expect(report.batchItemFailures).toEqual([]);
    expect(report.published).toBe(appended.length);
    const details = eb
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries!.map((e) => e.Detail!));
    expect(details.map((d) => JSON.parse(d))).toEqual(appended);
    expect(details).toEqual(appended.map((e) => JSON.stringify(e)));
  });
});
