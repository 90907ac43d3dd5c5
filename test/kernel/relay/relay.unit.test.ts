import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../functions/kernel/events/envelope.js';
import { createPublisher } from '../../../functions/kernel/publisher.js';
import { relayRecords } from '../../../functions/kernel/relay/relay.js';
import { toEventItem } from '../../../functions/kernel/store/index.js';
import { fakeLambdaContext } from '../../helpers/events.js';
import { productStream } from '../../helpers/inventory.js';

const eb = mockClient(EventBridgeClient);
const publisher = createPublisher({
  client: new EventBridgeClient({ region: 'us-east-1' }),
  eventBusName: 'bus',
  maxAttempts: 2,
  sleep: async () => {},
});

let sequence = 100;
/** A DynamoDB stream record as Lambda delivers it, for an item the store wrote. */
function record(item: Record<string, unknown>, eventName = 'INSERT') {
  return {
    eventID: `id-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: marshall({ streamId: item.streamId, version: item.version }),
      NewImage: marshall(item),
      SequenceNumber: String(++sequence),
      StreamViewType: 'NEW_IMAGE',
    },
  };
}
const eventRecord = (e: EventEnvelope) => record(toEventItem(e).item as unknown as Record<string, unknown>);
const sentDetails = () =>
  eb.commandCalls(PutEventsCommand).flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.Detail!));

function acceptAllBut(refused: Record<string, string> = {}) {
  eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((e) => {
      const id = JSON.parse(e.Detail!).eventId as string;
      return refused[id] ? { ErrorCode: refused[id], ErrorMessage: 'no' } : { EventId: `eb-${id}` };
    }),
  }));
}

beforeEach(() => {
  eb.reset();
});
afterAll(() => {
  eb.restore();
});

describe('outbox relay', () => {
  it('publishes each stored envelope unchanged: same JSON, ids, correlation and causation', async () => {
    acceptAllBut();
    const events = productStream('SKU-RELAY', 3);
    const report = await relayRecords(events.map(eventRecord), publisher);
    expect(report).toMatchObject({ published: 3, batchItemFailures: [] });
    expect(sentDetails()).toEqual(events.map((e) => toEventItem(e).item.envelope));
    const entry = eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({
      Source: 'commerceforge.inventory',
      DetailType: 'ProductAdded',
      EventBusName: 'bus',
    });
  });

  it('skips snapshots, guards and modifications (what the mapping filter would drop)', async () => {
    acceptAllBut();
    const [event] = productStream('SKU-SKIP', 1);
    const records = [
      record({
        streamId: 'SKU-SKIP',
        version: 0,
        kind: 'snapshot',
        snapshotVersion: 10,
        revision: '1',
        state: '{}',
      }),
      record({ streamId: 'email#a@b.c', version: 0, kind: 'guard', rule: 'email-unique', owner: 'u-1' }),
      { ...eventRecord(event!), eventName: 'MODIFY' },
      eventRecord(event!),
    ];
    const report = await relayRecords(records, publisher);
    expect(report).toMatchObject({ published: 1, skipped: 3, batchItemFailures: [] });
  });

  it('reports exactly the records whose events were not delivered', async () => {
    const events = productStream('SKU-PART', 4);
    acceptAllBut({ [events[2]!.eventId]: 'InternalFailure' });
    const records = events.map(eventRecord);
    const report = await relayRecords(records, publisher);
    expect(report.published).toBe(3);
    expect(report.batchItemFailures).toEqual([{ itemIdentifier: records[2]!.dynamodb.SequenceNumber }]);
    // Retried once by the publisher (maxAttempts 2) before giving up on it.
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('reports an unreadable envelope and still publishes the rest', async () => {
    acceptAllBut();
    const [good] = productStream('SKU-BAD', 1);
    const broken = record({
      streamId: 'SKU-BAD',
      version: 2,
      kind: 'event',
      envelope: '{"not":"an envelope"}',
    });
    const report = await relayRecords([broken, eventRecord(good!)], publisher);
    expect(report.published).toBe(1);
    expect(report.batchItemFailures).toEqual([{ itemIdentifier: broken.dynamodb.SequenceNumber }]);
  });

  it('fails every record when the bus is unreachable', async () => {
    eb.on(PutEventsCommand).rejects(new Error('connect ECONNREFUSED'));
    const records = productStream('SKU-DOWN', 2).map(eventRecord);
    const report = await relayRecords(records, publisher);
    expect(report.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      records.map((r) => r.dynamodb.SequenceNumber),
    );
  });

  it('runs as a Lambda handler: bus from EVENT_BUS_NAME, batch item failures returned', async () => {
    acceptAllBut();
    process.env.EVENT_BUS_NAME = 'commerceforge-test';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { handler } = await import('../../../functions/kernel/relay/handler.js');
    const events = productStream('SKU-HANDLER', 2);
    const result = await handler({ Records: events.map(eventRecord) } as never, fakeLambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    const entries = eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entries.map((e) => e.EventBusName)).toEqual(['commerceforge-test', 'commerceforge-test']);
  });
});
