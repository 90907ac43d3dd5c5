import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fold } from '../../../functions/kernel/domain/decider.js';
import { ConcurrencyError } from '../../../functions/kernel/domain/errors.js';
import { createEventStore } from '../../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../../functions/kernel/store/index.js';
import { GuardConflictError, handleCommand } from '../../../functions/kernel/store/index.js';
import {
  CAUSATION,
  productStream,
  type StockFact,
  stockDecider,
  testMetadata,
} from '../../helpers/inventory.js';
import { type LocalTables, startLocalTables } from '../../helpers/local-dynamodb.js';

let tables: LocalTables;
let store: EventStore;

beforeAll(async () => {
  tables = await startLocalTables();
});
afterAll(async () => {
  await tables?.stop();
});

async function freshStore(): Promise<EventStore> {
  return createEventStore({ client: tables.doc, tableName: await tables.eventStoreTable() });
}

describe('event store on DynamoDB Local', () => {
  it('reads back exactly the envelopes it appended, in version order', async () => {
    store = await freshStore();
    const events = productStream('SKU-MUG', 3);
    await store.append('SKU-MUG', 0, events);
    expect(await store.loadRaw('SKU-MUG')).toEqual(events);
    const loaded = await store.load('SKU-MUG');
    expect(loaded.version).toBe(3);
    expect(loaded.events).toEqual(events);
    expect(loaded.events.map((e) => e.correlationId)).toEqual(events.map(() => CAUSATION.correlationId));
  });

  it('tells which events it holds as given, in one batch across streams, and not a forgery of a held version', async () => {
    store = await freshStore();
    const mugs = productStream('SKU-HELD', 3);
    const teas = productStream('SKU-HELD-2', 1).map((e) => ({ ...e, eventId: 'tea-1' }));
    await store.append('SKU-HELD', 0, mugs);
    await store.append('SKU-HELD-2', 0, teas);
    const forged = { ...mugs[1]!, eventId: 'forged-event' };
    const missing = { ...productStream('SKU-NEVER', 1)[0]!, eventId: 'never-appended' };
    const many = Array.from({ length: 150 }, (_, i) => ({
      ...missing,
      streamVersion: i + 1,
      eventId: `m-${i}`,
    }));
    const held = await store.heldEventIds([...mugs, ...teas, forged, missing, ...many]);
    expect([...held].sort()).toEqual([...mugs, ...teas].map((e) => e.eventId).sort());
  });

  it('lets exactly one of two appends at the same expected version win', async () => {
    store = await freshStore();
    const [added, ...rest] = productStream('SKU-TEA', 3);
    await store.append('SKU-TEA', 0, [added!]);
    // Two writers both loaded version 1 and each decided a version-2 event.
    const a = rest[0]!;
    const b = { ...productStream('SKU-TEA', 2, testMetadata())[1]!, eventId: 'other-writer-event' };
    const results = await Promise.allSettled([
      store.append('SKU-TEA', 1, [a]),
      store.append('SKU-TEA', 1, [b]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const loaded = await store.load('SKU-TEA');
    expect(loaded.version).toBe(2);
  });

  it('refuses an expected version ahead of the stream: no gap can be written', async () => {
    store = await freshStore();
    const events = productStream('SKU-GAP', 4);
    await store.append('SKU-GAP', 0, events.slice(0, 2));
    await expect(store.append('SKU-GAP', 3, events.slice(3))).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.load('SKU-GAP')).version).toBe(2);
  });

  it('appends to two streams atomically, and a guard clash writes nothing at all', async () => {
    store = await freshStore();
    const one = productStream('SKU-ONE', 1);
    const two = productStream('SKU-TWO', 1);
    await store.appendMany(
      [
        { streamId: 'SKU-ONE', expectedVersion: 0, events: one },
        { streamId: 'SKU-TWO', expectedVersion: 0, events: two },
      ],
      { guards: [{ key: 'name#mug', rule: 'product-name-unique' }] },
    );
    expect((await store.load('SKU-ONE')).version).toBe(1);
    expect((await store.load('SKU-TWO')).version).toBe(1);

    const three = productStream('SKU-THREE', 1);
    const oneMore = productStream('SKU-ONE', 2).slice(1);
    const error = await store
      .appendMany(
        [
          { streamId: 'SKU-THREE', expectedVersion: 0, events: three },
          { streamId: 'SKU-ONE', expectedVersion: 1, events: oneMore },
        ],
        {
          guards: [
            { key: 'name#other', rule: 'product-name-unique' },
            { key: 'name#mug', rule: 'product-name-unique' },
          ],
        },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardConflictError);
    expect(error).toMatchObject({
      rule: 'product-name-unique',
      key: 'name#mug',
      code: 'BUSINESS_RULE_VIOLATION',
    });
    expect((await store.load('SKU-THREE')).events).toEqual([]);
    expect((await store.load('SKU-ONE')).version).toBe(1);
    const other = await tables.doc.send(
      new GetCommand({ TableName: store.tableName, Key: { streamId: 'name#other', version: 0 } }),
    );
    expect(other.Item).toBeUndefined();
  });

  it('maps a stream clash inside a cross-stream transaction to ConcurrencyError naming the stream', async () => {
    store = await freshStore();
    await store.append('SKU-A', 0, productStream('SKU-A', 1));
    const error = await store
      .appendMany([
        { streamId: 'SKU-B', expectedVersion: 0, events: productStream('SKU-B', 1) },
        { streamId: 'SKU-A', expectedVersion: 0, events: productStream('SKU-A', 1) },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).details).toMatchObject({ streamId: 'SKU-A', expectedVersion: 0 });
    expect((await store.load('SKU-B')).events).toEqual([]);
  });

  it('rebuilds the same state from a snapshot as from the first event', async () => {
    store = await freshStore();
    const policy = { every: 10 };
    const metadata = testMetadata();
    await handleCommand({
      store,
      decider: stockDecider,
      streamId: 'SKU-SNAP',
      command: { type: 'AddProduct', sku: 'SKU-SNAP', name: 'Snap', price: 100, initialStock: 500 },
      metadata,
      snapshots: policy,
    });
    const outcomes: string[] = [];
    for (let i = 1; i <= 24; i++) {
      const result = await handleCommand({
        store,
        decider: stockDecider,
        streamId: 'SKU-SNAP',
        command:
          i % 7 === 0
            ? { type: 'Restock', quantity: 3 }
            : { type: 'Reserve', reservationId: `r-${i}`, orderId: `o-${i}`, quantity: 2 },
        metadata,
        snapshots: policy,
      });
      outcomes.push(result.snapshot);
    }
    // Versions 10 and 20 crossed the threshold.
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(2);
    const snapshot = await store.loadSnapshot('SKU-SNAP', policy);
    expect(snapshot?.version).toBe(20);

    const fromSnapshot = await store.rehydrate('SKU-SNAP', stockDecider, policy);
    expect(fromSnapshot).toMatchObject({ version: 25, snapshotVersion: 20, eventsFolded: 5 });
    const all = await store.load('SKU-SNAP');
    const fromFirst = fold(stockDecider, all.events as unknown as StockFact[]);
    expect(fromSnapshot.state).toEqual(fromFirst);
    expect(await store.rehydrate('SKU-SNAP', stockDecider)).toMatchObject({
      state: fromFirst,
      snapshotVersion: 0,
    });

    // A snapshot of another state revision is ignored, not misread.
    expect(await store.rehydrate('SKU-SNAP', stockDecider, { every: 10, revision: '2' })).toMatchObject({
      state: fromFirst,
      snapshotVersion: 0,
    });
  });

  it('command helper: concurrent commands on one stream all land, each on a fresh state', async () => {
    store = await freshStore();
    const metadata = testMetadata();
    await handleCommand({
      store,
      decider: stockDecider,
      streamId: 'SKU-HOT',
      command: { type: 'AddProduct', sku: 'SKU-HOT', name: 'Hot', price: 100, initialStock: 10 },
      metadata,
    });
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        handleCommand({
          store,
          decider: stockDecider,
          streamId: 'SKU-HOT',
          command: { type: 'Reserve', reservationId: `r-${i}`, orderId: `o-${i}`, quantity: 2 },
          metadata,
          maxAttempts: 10,
        }),
      ),
    );
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    const final = await store.rehydrate('SKU-HOT', stockDecider);
    expect(final.version).toBe(5);
    expect(final.state).toMatchObject({ available: 2, reserved: 8 });
  });

  it('command helper: a ConcurrencyError after the last attempt is thrown', async () => {
    store = await freshStore();
    const metadata = testMetadata();
    await handleCommand({
      store,
      decider: stockDecider,
      streamId: 'SKU-BUSY',
      command: { type: 'AddProduct', sku: 'SKU-BUSY', name: 'Busy', price: 1, initialStock: 100 },
      metadata,
    });
    const clashing = {
      ...store,
      // Another writer always gets in between our load and our append.
      append: async (...args: Parameters<EventStore['append']>) => {
        const [streamId, expected] = args;
        const theirs = productStream('SKU-BUSY', expected + 1, testMetadata()).slice(expected);
        await store.append(
          streamId,
          expected,
          theirs.map((e) => ({ ...e, eventId: `theirs-${expected}` })),
        );
        return store.append(...args);
      },
    };
    await expect(
      handleCommand({
        store: clashing,
        decider: stockDecider,
        streamId: 'SKU-BUSY',
        command: { type: 'Restock', quantity: 1 },
        metadata,
        maxAttempts: 2,
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.load('SKU-BUSY')).version).toBe(3);
  });
});
