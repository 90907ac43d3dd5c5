import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import { projectorHandler } from '../../functions/kernel/service/projector-handler.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import { eventBridgeEvent, fakeLambdaContext, sqsEvent } from '../helpers/events.js';
import { productStream } from '../helpers/inventory.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';
import { productView } from '../helpers/projections.js';

/**
 * A service's projector takes an event under its own source only if the service's store holds it as
 * delivered (its eventId at its stream and version): one put on the bus by anyone else writes no view.
 * On DynamoDB Local, through the handler (EventBridge and SQS deliveries).
 */

let tables: LocalTables;
let store: EventStore;
let handler: ReturnType<typeof projectorHandler>;
let viewTable: string;
const saved = { ...process.env };

beforeAll(async () => {
  tables = await startLocalTables();
  // The handler's own clients find DynamoDB Local as a function's would: through the environment.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.local.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_METRICS_NAMESPACE: 'CommerceForgeTest',
  });
  const storeTable = await tables.eventStoreTable();
  viewTable = await tables.keyedTable();
  store = createEventStore({ client: tables.doc, tableName: storeTable });
  handler = projectorHandler({
    service: 'inventory',
    readModels: [{ projection: productView, tableEnv: 'PRODUCT_VIEW' }],
    env: { EVENT_STORE_TABLE_NAME: storeTable, PRODUCT_VIEW: viewTable },
  });
  // The handler logs (a warning for each refusal) and flushes metrics on stdout.
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'info').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  process.env = saved;
  await tables?.stop();
});

const view = async (sku: string) =>
  (await tables.doc.send(new GetCommand({ TableName: viewTable, Key: { id: sku }, ConsistentRead: true })))
    .Item;
const viaBus = (event: DomainEvent) =>
  handler(eventBridgeEvent(event as unknown as EventEnvelope), fakeLambdaContext()) as Promise<
    Record<string, string>
  >;

describe("a service's projector and its own events", () => {
  it('applies an event its store holds, and ignores one it does not (a new version, or a stored one altered)', async () => {
    const [added, reserved, third] = productStream('SKU-HELD', 3);
    await store.append('SKU-HELD', 0, [added!, reserved!]);
    expect(await viaBus(added!)).toEqual({ products: 'applied' });
    expect(await viaBus(reserved!)).toEqual({ products: 'applied' });
    const before = await view('SKU-HELD');
    expect(before).toMatchObject({ available: 999, reserved: 1 });

    // The next version, never appended: forged.
    expect(await viaBus(third!)).toEqual({ products: 'ignored' });
    // A stored position with another eventId (someone else's copy of version 2, as if redelivered): refused.
    const altered = { ...reserved!, eventId: 'evt-forged-altered' } as DomainEvent;
    expect(await viaBus(altered)).toEqual({ products: 'ignored' });
    expect(await view('SKU-HELD')).toEqual(before);
  });

  it('in an SQS batch, projects the stored events and leaves the forged ones out, failing none', async () => {
    const [added, reserved] = productStream('SKU-BATCH', 2);
    await store.append('SKU-BATCH', 0, [added!]);
    const out = (await handler(
      sqsEvent([added, reserved] as unknown as EventEnvelope[]),
      fakeLambdaContext(),
    )) as { batchItemFailures: unknown[] };
    expect(out.batchItemFailures).toEqual([]);
    expect(await view('SKU-BATCH')).toMatchObject({ available: 1000, reserved: 0 });
  });
});
