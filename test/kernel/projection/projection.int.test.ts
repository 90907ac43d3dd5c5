import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../functions/kernel/events/catalogue.js';
import {
  createProjector,
  rebuildProjection,
  scanViews,
} from '../../../functions/kernel/projection/dynamodb.js';
import type { Projection, View } from '../../../functions/kernel/projection/index.js';
import { createEventStore } from '../../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../../functions/kernel/store/index.js';
import { PRICE_LIST_TABLE_ENV } from '../../../functions/orders/handlers/price-list.js';
import { ORDER_VIEW_TABLE_ENV } from '../../../functions/orders/read-model/order-view.js';
import { loadRegistry, parseArgs, rebuildProjections } from '../../../scripts/rebuild-projections.js';
import { productStream, testMetadata } from '../../helpers/inventory.js';
import { type LocalTables, startLocalTables } from '../../helpers/local-dynamodb.js';
import { productView, reservationsByOrder } from '../../helpers/projections.js';

let tables: LocalTables;

beforeAll(async () => {
  tables = await startLocalTables();
});
afterAll(async () => {
  await tables?.stop();
});

/** A store holding `streams` product streams of `length` events each; returns every event. */
async function seededStore(
  streams: number,
  length: number,
): Promise<{ store: EventStore; events: DomainEvent[] }> {
  const store = createEventStore({ client: tables.doc, tableName: await tables.eventStoreTable() });
  const metadata = testMetadata();
  const events: DomainEvent[] = [];
  for (let s = 1; s <= streams; s++) {
    const stream = productStream(`SKU-${s}`, length, metadata);
    await store.append(`SKU-${s}`, 0, stream);
    events.push(...stream);
  }
  return { store, events };
}

/** A deterministic shuffle (the test must fail the same way every time if it fails). */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('projector on DynamoDB Local', () => {
  it('applies the same event twice with one effect', async () => {
    const { store, events } = await seededStore(1, 3);
    const tableName = await tables.keyedTable();
    const projector = createProjector({
      client: tables.doc,
      tableName,
      projection: productView,
      reader: store,
    });
    expect(await projector.project(events[0]!)).toBe('applied');
    expect(await projector.project(events[1]!)).toBe('applied');
    expect(await projector.project(events[1]!)).toBe('duplicate');
    expect(await projector.project(events[0]!)).toBe('duplicate');
    const views = await scanViews(tables.doc, tableName);
    expect(views['SKU-1']).toMatchObject({
      available: 999,
      reserved: 1,
      reservations: ['res-2'],
      _versions: { 'SKU-1': 2 },
    });
  });

  it('ends right when events arrive out of order: gaps are caught up from the store', async () => {
    const { store, events } = await seededStore(3, 12);
    const inOrder = await tables.keyedTable();
    const outOfOrder = await tables.keyedTable();
    const live = createProjector({
      client: tables.doc,
      tableName: inOrder,
      projection: productView,
      reader: store,
    });
    for (const e of events) await live.project(e);

    const projector = createProjector({
      client: tables.doc,
      tableName: outOfOrder,
      projection: productView,
      reader: store,
    });
    const outcomes = [];
    // Reversed per stream is the worst case: the newest version first, then only duplicates.
    for (const e of [...events].reverse()) outcomes.push(await projector.project(e));
    expect(outcomes.filter((o) => o === 'caught-up')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(events.length - 3);
    expect(await scanViews(tables.doc, outOfOrder)).toEqual(await scanViews(tables.doc, inOrder));
  });

  it('ends right out of order without a store to read: early events are parked until the gap fills', async () => {
    const { events } = await seededStore(3, 12);
    const inOrder = await tables.keyedTable();
    const parkedTable = await tables.keyedTable();
    const live = createProjector({ client: tables.doc, tableName: inOrder, projection: productView });
    for (const e of events) await live.project(e);
    const projector = createProjector({
      client: tables.doc,
      tableName: parkedTable,
      projection: productView,
    });
    const outcomes = [];
    for (const e of shuffled(events)) outcomes.push(await projector.project(e));
    expect(outcomes).toContain('parked');
    // Redelivering a parked event changes nothing.
    for (const e of events) expect(await projector.project(e)).toBe('duplicate');
    expect(await scanViews(tables.doc, parkedTable)).toEqual(await scanViews(tables.doc, inOrder));
  });

  it('keeps every update when deliveries for one view race each other', async () => {
    const { store, events } = await seededStore(1, 15);
    const tableName = await tables.keyedTable();
    const projector = createProjector({
      client: tables.doc,
      tableName,
      projection: productView,
      reader: store,
      maxAttempts: 50,
    });
    await Promise.all(shuffled(events, 3).map((e) => projector.project(e)));
    const view = (await scanViews(tables.doc, tableName))['SKU-1'];
    const reserved = events.filter((e) => e.type === 'StockReserved').length;
    expect(view).toMatchObject({ reserved, _versions: { 'SKU-1': 15 } });
  });

  it('rebuilds read models from the store equal to the live ones (a view fed by many streams included)', async () => {
    const { store, events } = await seededStore(4, 9);
    // Orders that reserve on several products: each product stream contributes some versions to each order.
    const metadata = testMetadata();
    for (let s = 1; s <= 4; s++) {
      const current = await store.load(`SKU-${s}`);
      const more = productStream(`SKU-${s}`, current.version + 2, metadata)
        .slice(current.version)
        .map((e) =>
          e.type === 'StockReserved'
            ? { ...e, data: { ...e.data, orderId: `shared-order-${e.streamVersion % 2}` } }
            : e,
        );
      await store.append(`SKU-${s}`, current.version, more);
      events.push(...more);
    }
    await expectRebuildEqualsLive(store, events, productView);
    await expectRebuildEqualsLive(store, events, reservationsByOrder);
  });
});

describe('npm run rebuild-projections', () => {
  it('rebuilds every projection of a service through the environment (AWS_ENDPOINT_URL), equal to live', async () => {
    const { store, events } = await seededStore(3, 6);
    const live = await tables.keyedTable();
    const projector = createProjector({
      client: tables.doc,
      tableName: live,
      projection: productView,
      reader: store,
    });
    for (const e of shuffled(events, 5)) await projector.project(e);
    const target = await tables.keyedTable();
    const byOrder = await tables.keyedTable(undefined, 'orderId');

    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: tables.local.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      const results = await rebuildProjections({
        service: 'inventory',
        projections: [productView, reservationsByOrder],
        eventStoreTable: store.tableName,
        tables: { products: target, 'reservations-by-order': byOrder },
      });
      expect(results.products).toMatchObject({ events: events.length, views: 3 });
    } finally {
      process.env = saved;
    }
    expect(await scanViews(tables.doc, target)).toEqual(await scanViews(tables.doc, live));
  });

  it('refuses to half-rebuild: every projection needs a table', async () => {
    await expect(
      rebuildProjections({
        service: 'inventory',
        projections: [productView, reservationsByOrder],
        eventStoreTable: 'x',
        tables: { products: 'y' },
        client: tables.doc,
      }),
    ).rejects.toThrow(/reservations-by-order/);
    expect(parseArgs(['orders', '--store', 's', '--table', 'orders-view=t', '--keep'])).toEqual({
      service: 'orders',
      store: 's',
      sources: {},
      tables: { 'orders-view': 't' },
      keep: true,
    });
    // A read model's table arrives in the variable its projector reads (one name: the read model's own).
    expect((await loadRegistry('orders')).tableEnvs).toEqual({
      OrderView: ORDER_VIEW_TABLE_ENV,
      PriceList: PRICE_LIST_TABLE_ENV,
    });
    await expect(loadRegistry('no-such-service')).rejects.toThrow(/projections.ts not found/);
    // Every service's registry is where the script finds its projections.
    const found = (await loadRegistry('inventory')).projections;
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(typeof p.keyOf).toBe('function');
  });
});

/** Live projection of `events` (shuffled) vs a rebuild from the store: the same views. */
async function expectRebuildEqualsLive<V extends View>(
  store: EventStore,
  events: readonly DomainEvent[],
  projection: Projection<V>,
) {
  const key = projection.keyAttribute ?? 'id';
  const liveTable = await tables.keyedTable(undefined, key);
  const live = createProjector({ client: tables.doc, tableName: liveTable, projection, reader: store });
  for (const e of shuffled(events, 11)) await live.project(e);

  const fresh = await tables.keyedTable(undefined, key);
  const result = await rebuildProjection({ source: store, projection, client: tables.doc, tableName: fresh });
  expect(result.events).toBe(events.length);
  const rebuilt = await scanViews(tables.doc, fresh, key);
  expect(rebuilt).toEqual(await scanViews(tables.doc, liveTable, key));
  expect(Object.keys(rebuilt).length).toBeGreaterThan(1);

  // Rebuilding into the live table (cleared first) gives the same views again.
  const again = await rebuildProjection({
    source: store,
    projection,
    client: tables.doc,
    tableName: liveTable,
    clear: true,
  });
  expect(again.deleted).toBe(Object.keys(rebuilt).length);
  expect(await scanViews(tables.doc, liveTable, key)).toEqual(rebuilt);
}
