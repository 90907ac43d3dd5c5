import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EventValidationError } from '../../../functions/kernel/errors.js';
import type { DomainEvent } from '../../../functions/kernel/events/catalogue.js';
import { createProjector } from '../../../functions/kernel/projection/dynamodb.js';
import type { Projection } from '../../../functions/kernel/projection/index.js';
import {
  isSqsEvent,
  ProjectionError,
  projectQueuedEvents,
} from '../../../functions/kernel/projection/index.js';
import { eventBridgeEvent, sqsEvent } from '../../helpers/events.js';
import { productStream } from '../../helpers/inventory.js';
import { productView } from '../../helpers/projections.js';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const noWait = async () => {};
const clash = () => Object.assign(new Error('clash'), { name: 'ConditionalCheckFailedException' });

/** Items by key, as the mock's GetCommand answers them; PutCommand stores what it is given. */
function storeItems() {
  const items = new Map<string, Record<string, unknown>>();
  ddb.on(GetCommand).callsFake((input: { Key: Record<string, string> }) => {
    const item = items.get(Object.values(input.Key)[0]!);
    return { Item: item ? structuredClone(item) : undefined };
  });
  ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
    items.set(String(input.Item.id), structuredClone(input.Item));
    return {};
  });
  return items;
}

/** Which SKUs have been seen, whatever the order: commutative and idempotent. */
type Seen = { readonly skus: readonly string[] };
const seenSkus: Projection<Seen> = {
  name: 'seen',
  keyOf: () => 'all',
  project: (view, e) => ({ skus: [...new Set([...(view?.skus ?? []), e.streamId])].sort() }),
  commutative: true,
  codec: {
    toItem: (view) => ({ skus: view.skus.join(',') }),
    fromItem: (item) => ({ skus: String(item.skus).split(',') }),
  },
};

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

describe('projectBatch: a batch of events, each view read and written once', () => {
  it('applies a stream given backwards and with a redelivery in version order: one read, one write', async () => {
    const items = storeItems();
    const events = productStream('SKU-1', 3);
    const projector = createProjector({ client, tableName: 'views', projection: productView });
    const results = await projector.projectBatch([events[2]!, events[1]!, events[0]!, events[1]!]);
    expect(results).toEqual([
      { ok: true, outcome: 'applied' },
      { ok: true, outcome: 'applied' },
      { ok: true, outcome: 'applied' },
      { ok: true, outcome: 'duplicate' },
    ]);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(items.get('SKU-1')).toMatchObject({ reserved: 2, _versions: { 'SKU-1': 3 }, _rev: 1 });
    expect(items.get('SKU-1')).not.toHaveProperty('_pending');
  });

  it('reads and writes each view once, and marks the events of no view ignored', async () => {
    storeItems();
    const [a1, a2] = productStream('SKU-A', 2);
    const [b1] = productStream('SKU-B', 1);
    const user = { ...a1!, source: 'users' } as unknown as DomainEvent;
    const projector = createProjector({ client, tableName: 'views', projection: productView });
    const results = await projector.projectBatch([a1!, b1!, user, a2!]);
    expect(results.map((r) => r.ok && r.outcome)).toEqual(['applied', 'applied', 'ignored', 'applied']);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.id)).toEqual(
      expect.arrayContaining(['SKU-A', 'SKU-B']),
    );
  });

  it('fails an event its projection cannot apply and writes the rest of its view (what follows it parked)', async () => {
    const items = storeItems();
    const events = productStream('SKU-2', 3);
    const broken = events[1]!.eventId;
    const projection: Projection = {
      ...(productView as unknown as Projection),
      project: (view, e) => {
        if (e.eventId === broken) throw new Error('cannot apply');
        return (productView as unknown as Projection).project(view, e);
      },
    };
    const projector = createProjector({ client, tableName: 'views', projection });
    const results = await projector.projectBatch(events);
    expect(results[0]).toEqual({ ok: true, outcome: 'applied' });
    expect(results[1]).toMatchObject({ ok: false, error: { message: 'cannot apply' } });
    expect(results[2]).toEqual({ ok: true, outcome: 'parked' });
    expect(items.get('SKU-2')).toMatchObject({
      _versions: { 'SKU-2': 1 },
      _pending: { 'SKU-2': { 3: expect.any(String) } },
    });
  });

  it('reads again and applies again after a clash', async () => {
    const items = storeItems();
    ddb
      .on(PutCommand)
      .rejectsOnce(clash())
      .callsFake((input: { Item: Record<string, unknown> }) => {
        items.set(String(input.Item.id), input.Item);
        return {};
      });
    const events = productStream('SKU-3', 2);
    const projector = createProjector({ client, tableName: 'views', projection: productView, sleep: noWait });
    const results = await projector.projectBatch(events);
    expect(results.every((r) => r.ok && r.outcome === 'applied')).toBe(true);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
    expect(items.get('SKU-3')).toMatchObject({ _versions: { 'SKU-3': 2 } });
  });

  it('fails every event of a view that keeps clashing, and only those', async () => {
    storeItems();
    ddb.on(PutCommand, { Item: { id: 'SKU-4' } }).rejects(clash());
    const four = productStream('SKU-4', 2);
    const [five] = productStream('SKU-5', 1);
    const projector = createProjector({
      client,
      tableName: 'views',
      projection: productView,
      maxAttempts: 3,
      sleep: noWait,
    });
    const results = await projector.projectBatch([...four, five!]);
    expect(results[0]).toMatchObject({ ok: false, error: expect.any(ProjectionError) });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'WRITE_CONTENTION' } });
    expect(results[2]).toEqual({ ok: true, outcome: 'applied' });
  });

  it('keeps trying past maxAttempts until retryUntil, then gives up', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).rejects(clash());
    let clock = 0;
    const projector = createProjector({
      client,
      tableName: 'views',
      projection: productView,
      maxAttempts: 2,
      now: () => clock,
      sleep: async () => {
        clock += 1_000;
      },
    });
    const results = await projector.projectBatch(productStream('SKU-7', 1), { retryUntil: 10_000 });
    expect(results).toMatchObject([{ ok: false, error: { code: 'WRITE_CONTENTION' } }]);
    // Each wait takes a second here: attempts at 0, 1, ..., 10 s, and none after the deadline.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(11);
    expect(clock).toBe(10_000);
  });

  it('fails every event of a view DynamoDB will not store (an item over 400 KB, say)', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).rejects(
      Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
        name: 'ValidationException',
      }),
    );
    const projector = createProjector({ client, tableName: 'views', projection: productView });
    const results = await projector.projectBatch(productStream('SKU-6', 2));
    expect(results).toEqual([
      { ok: false, error: expect.objectContaining({ name: 'ValidationException' }) },
      { ok: false, error: expect.objectContaining({ name: 'ValidationException' }) },
    ]);
  });
});

describe('a commutative projection', () => {
  it('keeps no versions, stores the view through its codec, and writes nothing for a redelivered batch', async () => {
    const items = storeItems();
    const events = [...productStream('SKU-X', 2), ...productStream('SKU-Y', 1)];
    const projector = createProjector({ client, tableName: 'views', projection: seenSkus });
    expect((await projector.projectBatch([...events].reverse())).every((r) => r.ok)).toBe(true);
    expect(items.get('all')).toEqual({ id: 'all', skus: 'SKU-X,SKU-Y', _rev: 1 });

    const again = await projector.projectBatch(events);
    expect(again.map((r) => r.ok && r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('takes over an item written before it was commutative: versions dropped, parked events applied', async () => {
    const items = storeItems();
    const [parked] = productStream('SKU-P', 1);
    items.set('all', {
      id: 'all',
      skus: 'SKU-O',
      _versions: { 'SKU-O': 1 },
      _pending: { 'SKU-P': { 2: JSON.stringify({ ...parked!, streamVersion: 2 }) } },
      _rev: 4,
    });
    const [next] = productStream('SKU-Q', 1);
    const projector = createProjector({ client, tableName: 'views', projection: seenSkus });
    await projector.projectBatch([next!]);
    expect(items.get('all')).toEqual({ id: 'all', skus: 'SKU-O,SKU-P,SKU-Q', _rev: 5 });
  });
});

describe('projectQueuedEvents: an SQS batch of EventBridge events', () => {
  it('reports the records it could not read or apply, and projects the others', async () => {
    const items = storeItems();
    const events = productStream('SKU-Q1', 2);
    const batch = sqsEvent(events);
    const forged = { ...eventBridgeEvent(events[1]!), 'detail-type': 'OrderPlaced' };
    batch.Records.push(
      { ...batch.Records[0]!, messageId: 'not-json', body: '{' },
      { ...batch.Records[0]!, messageId: 'forged', body: JSON.stringify(forged) },
    );
    expect(isSqsEvent(batch)).toBe(true);
    expect(isSqsEvent(eventBridgeEvent(events[0]!))).toBe(false);

    const report = await projectQueuedEvents(batch.Records, [
      { projector: createProjector({ client, tableName: 'views', projection: productView }) },
    ]);
    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'not-json' }, { itemIdentifier: 'forged' }]);
    expect(report.failures[1]!.error).toBeInstanceOf(EventValidationError);
    expect(report.outcomes).toEqual({ applied: 2 });
    expect(items.get('SKU-Q1')).toMatchObject({ _versions: { 'SKU-Q1': 2 } });
  });

  it('reports the records of a view that could not be written, once each, whichever projector failed', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).rejects(clash());
    const events = productStream('SKU-Q2', 2);
    const projector = createProjector({
      client,
      tableName: 'views',
      projection: productView,
      maxAttempts: 2,
      sleep: noWait,
    });
    const report = await projectQueuedEvents(sqsEvent(events).Records, [{ projector }, { projector }]);
    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }, { itemIdentifier: 'msg-2' }]);
  });

  it('hands each projector only the events it accepts', async () => {
    storeItems();
    const events = productStream('SKU-Q3', 1);
    const report = await projectQueuedEvents(sqsEvent(events).Records, [
      {
        projector: createProjector({ client, tableName: 'views', projection: productView }),
        accepts: (e) => e.source === 'orders',
      },
    ]);
    expect(report).toMatchObject({ batchItemFailures: [], outcomes: {} });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});
