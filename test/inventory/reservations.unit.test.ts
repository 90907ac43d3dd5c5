import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StockReservationFailedError } from '../../functions/inventory/handlers/errors.js';
import { handleReservation } from '../../functions/inventory/handlers/reservations.js';
import { createEvent } from '../../functions/kernel/events/metadata.js';
import { createEventStore, documentClient } from '../../functions/kernel/store/dynamodb.js';
import type { MetadataSource } from '../../functions/kernel/store/index.js';

/**
 * The reservation adapter against a mocked DynamoDB (aws-sdk-client-mock): what it reads, what it writes in
 * its one transaction, and how it retries a clash. The e2e test runs the same against DynamoDB Local.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const store = createEventStore({
  client: documentClient(new DynamoDBClient({ region: 'us-east-1' })),
  tableName: 'store',
});
let n = 0;
const metadata: MetadataSource = () => ({
  eventId: `evt-${++n}`,
  occurredAt: '2026-11-23T12:00:00.000Z',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  traceparent: '00-6741c0de00000000000000000000abcd-00000000000000aa-01',
  actor: { type: 'service', id: 'saga' },
});
const commandMeta = {
  commandId: 'cmd-1',
  issuedAt: '2026-11-23T12:00:00.000Z',
  actor: { type: 'service' as const, id: 'saga' },
};

/** A stored event item, as the store writes it. */
function item(streamId: string, version: number, type: 'ProductAdded', data: Record<string, unknown>) {
  const envelope = createEvent({ type, data: data as never, streamId, streamVersion: version }, metadata());
  return {
    streamId,
    version,
    kind: 'event',
    type,
    eventId: envelope.eventId,
    envelope: JSON.stringify(envelope),
  };
}
const products: Record<string, ReturnType<typeof item>[]> = {
  'product#CHAIR': [
    item('product#CHAIR', 1, 'ProductAdded', {
      sku: 'CHAIR',
      name: 'Chair',
      price: 100,
      currency: 'USD',
      initialStock: 5,
    }),
  ],
  'product#DESK': [
    item('product#DESK', 1, 'ProductAdded', {
      sku: 'DESK',
      name: 'Desk',
      price: 900,
      currency: 'USD',
      initialStock: 1,
    }),
  ],
};

beforeEach(() => {
  dynamo.reset();
  n = 100;
  dynamo.on(GetCommand).resolves({}); // no snapshot
  dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => ({
    Items: products[String(input.ExpressionAttributeValues[':s'])] ?? [],
  }));
});

const reserve = (items: { sku: string; quantity: number }[]) =>
  handleReservation(
    store,
    { type: 'ReserveStock', data: { orderId: 'order-1', items }, metadata: commandMeta },
    metadata,
  );

describe('ReserveStock', () => {
  it('appends the reservation and each product ledger copy in one transaction, at the versions read', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const out = await reserve([
      { sku: 'CHAIR', quantity: 2 },
      { sku: 'DESK', quantity: 1 },
    ]);
    expect(out.result).toMatchObject({ status: 'RESERVED', reservationId: 'order-1' });
    const calls = dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!;
    const puts = items.flatMap((i) => (i.Put ? [`${i.Put.Item!.streamId}@${i.Put.Item!.version}`] : []));
    const checks = items.flatMap((i) =>
      i.ConditionCheck ? [`${i.ConditionCheck.Key!.streamId}@${i.ConditionCheck.Key!.version}`] : [],
    );
    expect(puts).toEqual(['reservation#order-1@1', 'product#CHAIR@2', 'product#DESK@2']);
    // Every version was just read: a stale one fails its put, so no predecessor check is paid for.
    expect(checks).toEqual([]);
    // The ledger copy of a SKU holds that SKU's line alone.
    const chair = JSON.parse(
      String(items.find((i) => i.Put?.Item?.streamId === 'product#CHAIR')!.Put!.Item!.envelope),
    );
    expect(chair.data.items).toEqual([{ sku: 'CHAIR', quantity: 2 }]);
  });

  it('reads and decides again after a ConcurrencyError (another writer moved a product)', async () => {
    const clash = Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed' },
        { Code: 'None' },
        { Code: 'None' },
        { Code: 'None' },
      ],
    });
    dynamo.on(TransactWriteCommand).rejectsOnce(clash).resolves({});
    const out = await reserve([
      { sku: 'CHAIR', quantity: 2 },
      { sku: 'DESK', quantity: 1 },
    ]);
    expect(out.result).toMatchObject({ status: 'RESERVED' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('records a failure on the reservation stream alone, then throws StockReservationFailedError', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(reserve([{ sku: 'DESK', quantity: 2 }])).rejects.toBeInstanceOf(StockReservationFailedError);
    // One event on one stream: a single conditional put.
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item!);
    expect(puts.map((item) => item.streamId)).toEqual(['reservation#order-1']);
    expect(puts[0]!.type).toBe('StockReservationFailed');
  });
});
