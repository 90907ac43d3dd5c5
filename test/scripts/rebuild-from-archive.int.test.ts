import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanViews } from '../../functions/kernel/projection/dynamodb.js';
import { quietLogger } from '../../local/core/log.js';
import { EventBridgeService, fromTemplateResources } from '../../local/eventbridge/index.js';
import { Router } from '../../local/server/router.js';
import { parseArgs } from '../../scripts/rebuild-projections.js';
import { rebuildFromArchive } from '../../scripts/replay-archive.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';
import { FakeDispatcher, fnArn } from '../helpers/local-eventbridge.js';

// Issue 16: a read model can be rebuilt from the bus archive: its table cleared, the archive replayed to the
// projector's rules only, with progress.

const ACCOUNT = '000000000000';
const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/commerce`;
const rule = (name: string, fn: string) => ({
  logicalId: name,
  type: 'AWS::Events::Rule',
  properties: {
    Name: name,
    EventBusName: 'commerce',
    EventPattern: { source: ['commerceforge.orders'] },
    Targets: [{ Id: 't', Arn: fnArn(fn) }],
  },
});

const router = new Router(quietLogger);
const dispatcher = new FakeDispatcher();
let service: EventBridgeService;
let events: EventBridgeClient;
let tables: LocalTables;

beforeAll(async () => {
  tables = await startLocalTables();
  service = new EventBridgeService(
    fromTemplateResources([
      { logicalId: 'Bus', type: 'AWS::Events::EventBus', properties: { Name: 'commerce' } },
      rule('notifications-projector', 'projector'),
      rule('saga-starter', 'saga'),
      {
        logicalId: 'Archive',
        type: 'AWS::Events::Archive',
        properties: { ArchiveName: 'commerce-archive', SourceArn: BUS_ARN, RetentionDays: 30 },
      },
    ]),
    { dispatcher, region: 'us-east-1', accountId: ACCOUNT },
  );
  router.registerService(service);
  const port = await router.listen(0);
  events = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 60_000);
afterAll(async () => {
  events?.destroy();
  service?.bridge.close();
  await router.close();
  await tables?.stop();
});

describe('rebuild-projections --from-archive', () => {
  it('clears the tables and replays the archive to the given rules only, waiting for it with progress', async () => {
    const entries = [1, 2, 3].map((n) => ({
      EventBusName: 'commerce',
      Source: 'commerceforge.orders',
      DetailType: 'OrderPlaced',
      Detail: JSON.stringify({ orderId: `order-${n}` }),
    }));
    await events.send(new PutEventsCommand({ Entries: entries }));
    await service.bridge.whenIdle();
    dispatcher.delivered.length = 0;
    // The replay ends a second before now (AWS refuses an end in the future): let the events age past it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const table = await tables.keyedTable(undefined, 'orderId');
    await tables.doc.send(new PutCommand({ TableName: table, Item: { orderId: 'stale', customerId: 'x' } }));

    const lines: string[] = [];
    const result = await rebuildFromArchive({
      service: 'notifications',
      archive: 'commerce-archive',
      rules: ['notifications-projector'],
      tables: { [table]: 'orderId' },
      ddb: tables.doc,
      events,
      progress: (line) => lines.push(line),
      pollMs: 50,
    });
    await service.bridge.whenIdle();
    expect(result.state).toBe('COMPLETED');
    expect(await scanViews(tables.doc, table, 'orderId')).toEqual({});
    const replayed = dispatcher.delivered.map((d) => [d.meta.ruleName, JSON.parse(d.input).detail.orderId]);
    expect(replayed.sort()).toEqual([
      ['notifications-projector', 'order-1'],
      ['notifications-projector', 'order-2'],
      ['notifications-projector', 'order-3'],
    ]);
    expect(lines[0]).toBe(`cleared ${table}: 1 items`);
    expect(lines.at(-1)).toMatch(/COMPLETED/);
  });

  it('refuses without rules, or with a rule that does not exist, before clearing anything', async () => {
    const table = await tables.keyedTable(undefined, 'orderId');
    await tables.doc.send(new PutCommand({ TableName: table, Item: { orderId: 'keep', customerId: 'x' } }));
    const base = {
      service: 'notifications',
      archive: 'commerce-archive',
      tables: { [table]: 'orderId' },
      ddb: tables.doc,
      events,
    };
    await expect(rebuildFromArchive({ ...base, rules: [] })).rejects.toThrow(/--rule/);
    await expect(rebuildFromArchive({ ...base, rules: ['no-such-rule'] })).rejects.toThrow();
    expect(Object.keys(await scanViews(tables.doc, table, 'orderId'))).toEqual(['keep']);
    expect(parseArgs(['notifications', '--from-archive', 'a', '--rule', 'r1', '--rule', 'r2'])).toMatchObject(
      {
        fromArchive: 'a',
        rules: ['r1', 'r2'],
      },
    );
  });
});
