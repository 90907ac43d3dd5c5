import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../../functions/kernel/domain/errors.js';
import { EventTooLargeError, EventValidationError } from '../../../functions/kernel/errors.js';
import { createProjector } from '../../../functions/kernel/projection/dynamodb.js';
import { ProjectionError, projectEventBridgeEvent } from '../../../functions/kernel/projection/index.js';
import { createEventStore } from '../../../functions/kernel/store/dynamodb.js';
import {
  EventStoreError,
  GuardConflictError,
  handleCommand,
  newStream,
} from '../../../functions/kernel/store/index.js';
import { eventBridgeEvent } from '../../helpers/events.js';
import { productStream, stockDecider, testMetadata } from '../../helpers/inventory.js';
import { productView } from '../../helpers/projections.js';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const store = createEventStore({ client, tableName: 'inventory-events' });

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
/** What DynamoDB answers a put whose condition failed, with ReturnValuesOnConditionCheckFailure ALL_OLD. */
const conditionFailed = (existingEventId: string) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: { eventId: { S: existingEventId } },
  });
const transactItems = () => ddb.commandCalls(TransactWriteCommand).at(-1)!.args[0].input.TransactItems!;

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

describe('append', () => {
  it('writes each event as a conditional put (envelope JSON + key attributes) after a check of its predecessor', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const events = productStream('SKU-1', 3);
    const result = await store.append('SKU-1', 1, events.slice(1));
    expect(result.version).toBe(3);
    const items = transactItems();
    expect(items[0]).toEqual({
      ConditionCheck: {
        TableName: 'inventory-events',
        Key: { streamId: 'SKU-1', version: 1 },
        ConditionExpression: 'attribute_exists(#v)',
        ExpressionAttributeNames: { '#v': 'version' },
      },
    });
    expect(items[1]!.Put).toEqual({
      TableName: 'inventory-events',
      Item: {
        streamId: 'SKU-1',
        version: 2,
        kind: 'event',
        type: events[1]!.type,
        eventId: events[1]!.eventId,
        occurredAt: events[1]!.occurredAt,
        correlationId: events[1]!.correlationId,
        envelope: JSON.stringify(events[1]),
      },
      ConditionExpression: 'attribute_not_exists(#v)',
      ExpressionAttributeNames: { '#v': 'version' },
    });
    expect(items).toHaveLength(3);
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.ClientRequestToken).toHaveLength(36);
  });

  it('maps a failed condition on an event item to ConcurrencyError, on a guard to GuardConflictError', async () => {
    const events = productStream('SKU-2', 1);
    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None'));
    const clash = await store
      .append('SKU-2', 0, events, { guards: [{ key: 'k', rule: 'r' }] })
      .catch((e) => e);
    expect(clash).toBeInstanceOf(ConcurrencyError);
    expect(clash.details).toEqual({ streamId: 'SKU-2', expectedVersion: 0 });

    ddb.on(TransactWriteCommand).rejects(canceled('None', 'None', 'ConditionalCheckFailed'));
    const guard = await store
      .append('SKU-2', 0, events, {
        guards: [
          { key: 'sku#a', rule: 'a' },
          { key: 'email#x', rule: 'email-unique' },
        ],
      })
      .catch((e) => e);
    expect(guard).toBeInstanceOf(GuardConflictError);
    expect(guard).toMatchObject({ rule: 'email-unique', key: 'email#x', code: 'BUSINESS_RULE_VIOLATION' });
    const guardPut = transactItems().find((i) => i.Put?.Item?.streamId === 'email#x')!;
    expect(guardPut.Put).toMatchObject({
      Item: { version: 0, kind: 'guard', rule: 'email-unique', owner: 'SKU-2' },
      ConditionExpression: 'attribute_not_exists(#v)',
    });
  });

  it('treats a TransactionConflict as a concurrency clash, anything else as an EventStoreError', async () => {
    const events = productStream('SKU-3', 2);
    ddb.on(TransactWriteCommand).rejects(canceled('TransactionConflict'));
    await expect(store.append('SKU-3', 0, events)).rejects.toBeInstanceOf(ConcurrencyError);
    ddb.on(TransactWriteCommand).rejects(canceled('ThrottlingError'));
    await expect(store.append('SKU-3', 0, events)).rejects.toMatchObject({ code: 'APPEND_FAILED' });
  });

  it('refuses before sending: wrong versions, too many items, an event the bus would refuse', async () => {
    const events = productStream('SKU-4', 100);
    await expect(store.append('SKU-4', 1, events.slice(0, 1))).rejects.toMatchObject({
      code: 'INVALID_APPEND',
    });
    await expect(store.append('OTHER', 0, events.slice(0, 1))).rejects.toBeInstanceOf(EventStoreError);
    // 99 events + the predecessor check + a guard = 101 items.
    const error = await store
      .append('SKU-4', 1, events.slice(1), { guards: [{ key: 'g', rule: 'r' }] })
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'TRANSACTION_TOO_LARGE' });
    const [big] = productStream('SKU-5', 1);
    const huge = { ...big!, data: { ...big!.data, description: 'x'.repeat(300 * 1024) } };
    await expect(store.append('SKU-5', 0, [huge as typeof big & {}])).rejects.toBeInstanceOf(
      EventTooLargeError,
    );
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('append with a version just read (versionFromRead)', () => {
  it('writes one event as one conditional PutItem, with no predecessor check', async () => {
    ddb.on(PutCommand).resolves({});
    const events = productStream('SKU-P', 2);
    const result = await store.append('SKU-P', 1, events.slice(1), { versionFromRead: true });
    expect(result.version).toBe(2);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'inventory-events',
      Item: { streamId: 'SKU-P', version: 2, kind: 'event', eventId: events[1]!.eventId },
      ConditionExpression: 'attribute_not_exists(#v)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it("is a clash when another event holds the version, and success when it is this event (a retried put's lost answer)", async () => {
    const events = productStream('SKU-Q', 2);
    ddb.on(PutCommand).rejects(conditionFailed('someone-else'));
    const clash = await store.append('SKU-Q', 1, events.slice(1), { versionFromRead: true }).catch((e) => e);
    expect(clash).toBeInstanceOf(ConcurrencyError);
    expect(clash.details).toEqual({ streamId: 'SKU-Q', expectedVersion: 1 });

    ddb.on(PutCommand).rejects(conditionFailed(events[1]!.eventId));
    await expect(store.append('SKU-Q', 1, events.slice(1), { versionFromRead: true })).resolves.toMatchObject(
      {
        version: 2,
      },
    );

    ddb.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(store.append('SKU-Q', 1, events.slice(1), { versionFromRead: true })).rejects.toMatchObject({
      code: 'APPEND_FAILED',
    });
  });

  it('still checks the predecessor of a caller-claimed version, and leaves it out of a transaction of read versions', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const events = productStream('SKU-R', 3);
    await store.append('SKU-R', 1, events.slice(1, 2));
    expect(transactItems()[0]).toHaveProperty('ConditionCheck');
    await store.append('SKU-R', 1, events.slice(1), { versionFromRead: true });
    expect(transactItems().map((item) => Object.keys(item)[0])).toEqual(['Put', 'Put']);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('load', () => {
  it('pages through a stream with a consistent query after the snapshot version', async () => {
    const events = productStream('SKU-6', 3);
    const item = (i: number) => ({
      streamId: 'SKU-6',
      version: i + 1,
      kind: 'event',
      envelope: JSON.stringify(events[i]),
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(0), item(1)], LastEvaluatedKey: { streamId: 'SKU-6', version: 2 } })
      .resolvesOnce({ Items: [item(2)] });
    const loaded = await store.load('SKU-6');
    expect(loaded).toEqual({ streamId: 'SKU-6', version: 3, events });
    const calls = ddb.commandCalls(QueryCommand);
    expect(calls[0]!.args[0].input).toMatchObject({
      ConsistentRead: true,
      KeyConditionExpression: '#s = :s AND #v > :after',
      ExpressionAttributeValues: { ':s': 'SKU-6', ':after': 0 },
    });
    expect(calls[1]!.args[0].input.ExclusiveStartKey).toEqual({ streamId: 'SKU-6', version: 2 });
  });

  it('rehydrates from a snapshot of the same revision plus the events after it', async () => {
    const events = productStream('SKU-7', 4);
    ddb.on(GetCommand).resolves({
      Item: {
        streamId: 'SKU-7',
        version: 0,
        kind: 'snapshot',
        snapshotVersion: 3,
        revision: '1',
        state: JSON.stringify({
          status: 'listed',
          sku: 'SKU-7',
          name: 'n',
          available: 5,
          reserved: 2,
          reservations: [],
        }),
      },
    });
    ddb.on(QueryCommand).resolves({
      Items: [{ streamId: 'SKU-7', version: 4, kind: 'event', envelope: JSON.stringify(events[3]) }],
    });
    const result = await store.rehydrate('SKU-7', stockDecider, { every: 3 });
    expect(result).toMatchObject({ version: 4, snapshotVersion: 3, eventsFolded: 1 });
    expect(result.state).toMatchObject({ available: 4, reserved: 3 });
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':after': 3,
    });
  });
});

describe('handleCommand', () => {
  /**
   * A stream read twice: one event, then two (another writer's landed between); the append (one event at a
   * version just read: a PutItem) clashes once with that writer's event.
   */
  function streamWithAClash(streamId: string) {
    const events = productStream(streamId, 2);
    const item = (i: number) => ({
      streamId,
      version: i + 1,
      kind: 'event',
      envelope: JSON.stringify(events[i]),
    });
    ddb.on(GetCommand).resolves({});
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(0)] })
      .resolvesOnce({ Items: [item(0), item(1)] });
    ddb.on(PutCommand).rejectsOnce(conditionFailed('another-writer')).resolves({});
  }

  it('re-loads and re-decides after a ConcurrencyError, then snapshots when the append crosses the threshold', async () => {
    streamWithAClash('SKU-8');
    const result = await handleCommand({
      store,
      decider: stockDecider,
      streamId: 'SKU-8',
      command: { type: 'Restock', quantity: 5 },
      metadata: testMetadata(),
      snapshots: { every: 3 },
    });
    expect(result).toMatchObject({ attempts: 2, version: 3, snapshot: 'written' });
    expect(result.events[0]).toMatchObject({
      type: 'StockRestocked',
      streamVersion: 3,
      correlationId: 'corr-test',
    });
    expect(ddb.commandCalls(PutCommand).at(-1)!.args[0].input.Item).toMatchObject({
      streamId: 'SKU-8',
      version: 0,
      kind: 'snapshot',
      snapshotVersion: 3,
    });
  });

  it('decides first on the stream the caller has just read, and reads it again only after a clash', async () => {
    streamWithAClash('SKU-11');
    const loaded = await store.rehydrate('SKU-11', stockDecider);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    const result = await handleCommand({
      store,
      decider: stockDecider,
      streamId: 'SKU-11',
      command: { type: 'Restock', quantity: 5 },
      metadata: testMetadata(),
      loaded,
    });
    // The first append is at the version read by the caller; after the clash, one fresh read.
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ version: 2 });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
    expect(result).toMatchObject({ attempts: 2, version: 3 });
    expect(result.events[0]).toMatchObject({ type: 'StockRestocked', streamVersion: 3 });
  });

  const addMug = {
    type: 'AddProduct',
    sku: 'SKU-NEW',
    name: 'Mug',
    price: 900,
    initialStock: 3,
  } as const;

  it('decides a new stream without reading it (newStream): one conditional put at version 1', async () => {
    ddb.on(PutCommand).resolves({});
    const result = await handleCommand({
      store,
      decider: stockDecider,
      streamId: 'SKU-NEW',
      command: addMug,
      metadata: testMetadata(),
      loaded: newStream(stockDecider),
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      Item: { streamId: 'SKU-NEW', version: 1 },
      ConditionExpression: 'attribute_not_exists(#v)',
    });
    expect(result).toMatchObject({ attempts: 1, version: 1 });
  });

  it('a "new" stream that exists (a retried request) clashes, is read, and decides on what is there', async () => {
    const existing = productStream('SKU-NEW', 1);
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({
      Items: [{ streamId: 'SKU-NEW', version: 1, kind: 'event', envelope: JSON.stringify(existing[0]) }],
    });
    ddb.on(PutCommand).rejectsOnce(conditionFailed('another-writer')).resolves({});
    await expect(
      handleCommand({
        store,
        decider: stockDecider,
        streamId: 'SKU-NEW',
        command: addMug,
        metadata: testMetadata(),
        loaded: newStream(stockDecider),
        retryDelay: async () => {},
      }),
    ).rejects.toMatchObject({ rule: 'sku-unique' });
    // The guess cost one refused put; the decision was made on the stream as read, and nothing was written.
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('appends nothing when the decider decides nothing, and throws a domain refusal as is', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(
      handleCommand({
        store,
        decider: stockDecider,
        streamId: 'SKU-9',
        command: { type: 'Restock', quantity: 1 },
        metadata: testMetadata(),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('projector writes', () => {
  it('gives up with a ProjectionError after its attempts when every write clashes', async () => {
    const [event] = productStream('SKU-10', 1);
    ddb.on(GetCommand).resolves({});
    ddb
      .on(PutCommand)
      .rejects(Object.assign(new Error('clash'), { name: 'ConditionalCheckFailedException' }));
    const projector = createProjector({
      client,
      tableName: 'views',
      projection: productView,
      maxAttempts: 3,
    });
    await expect(projector.project(event!)).rejects.toBeInstanceOf(ProjectionError);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(3);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#k)',
      Item: { id: 'SKU-10', _versions: { 'SKU-10': 1 }, _rev: 1 },
    });
  });

  it('waits a jittered, growing, bounded time between clashing writes, and none after the last', async () => {
    const [event] = productStream('SKU-12', 1);
    ddb.on(GetCommand).resolves({});
    ddb
      .on(PutCommand)
      .rejects(Object.assign(new Error('clash'), { name: 'ConditionalCheckFailedException' }));
    const waits: number[] = [];
    const projector = createProjector({
      client,
      tableName: 'views',
      projection: productView,
      maxAttempts: 5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await expect(projector.project(event!)).rejects.toBeInstanceOf(ProjectionError);
    expect(waits).toHaveLength(4);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(400, 25 * 2 ** (i + 1)));
    });
  });

  it('projects a bus delivery after validating it, and refuses a forged one', async () => {
    const [event] = productStream('SKU-11', 1);
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const handle = projectEventBridgeEvent([
      createProjector({ client, tableName: 'views', projection: productView }),
    ]);
    expect(await handle(eventBridgeEvent(event!))).toEqual({
      eventId: event!.eventId,
      outcomes: ['applied'],
    });
    await expect(
      handle({ ...eventBridgeEvent(event!), 'detail-type': 'OrderPlaced' }),
    ).rejects.toBeInstanceOf(EventValidationError);
  });
});
