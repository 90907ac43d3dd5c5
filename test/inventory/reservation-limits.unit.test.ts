import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handleReservation } from '../../functions/inventory/handlers/reservations.js';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import { MAX_ORDER_LINES, MAX_TRANSACTION_ITEMS } from '../../functions/kernel/domain/limits.js';
import { createEvent } from '../../functions/kernel/events/metadata.js';
import { createEventStore, documentClient } from '../../functions/kernel/store/dynamodb.js';
import type { MetadataSource } from '../../functions/kernel/store/index.js';

/**
 * The one limit on an order's distinct SKUs (kernel/domain/limits.ts MAX_ORDER_LINES) against what the
 * reservation really writes: reserving and releasing that many SKUs is one TransactWriteItems within
 * DynamoDB's 100 items; one more is refused as a ValidationError before anything is read or written.
 * (Before the limit, 50 distinct SKUs failed in the store with "ReserveStock failed: EventStoreError".)
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const store = createEventStore({
  client: documentClient(new DynamoDBClient({ region: 'us-east-1' })),
  tableName: 'store',
});
let n = 0;
const metadata: MetadataSource = () => ({
  eventId: `evt-${++n}`,
  occurredAt: '2026-12-04T12:00:00.000Z',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  traceparent: '00-6741c0de00000000000000000000abcd-00000000000000aa-01',
  actor: { type: 'service', id: 'saga' },
});
const commandMeta = {
  commandId: 'cmd-1',
  issuedAt: '2026-12-04T12:00:00.000Z',
  actor: { type: 'service' as const, id: 'saga' },
};
const lines = (count: number) => Array.from({ length: count }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));

function item(streamId: string, version: number, type: string, data: Record<string, unknown>) {
  const envelope = createEvent({ type, data, streamId, streamVersion: version } as never, metadata());
  return {
    streamId,
    version,
    kind: 'event',
    type,
    eventId: envelope.eventId,
    envelope: JSON.stringify(envelope),
  };
}
let streams: Record<string, ReturnType<typeof item>[]> = {};

beforeEach(() => {
  dynamo.reset();
  streams = {};
  for (const { sku } of lines(MAX_ORDER_LINES + 1)) {
    streams[`product#${sku}`] = [
      item(`product#${sku}`, 1, 'ProductAdded', {
        sku,
        name: sku,
        price: 100,
        currency: 'USD',
        initialStock: 10,
      }),
    ];
  }
  dynamo.on(GetCommand).resolves({});
  dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => ({
    Items: streams[String(input.ExpressionAttributeValues[':s'])] ?? [],
  }));
  dynamo.on(TransactWriteCommand).resolves({});
});

const transactItems = () =>
  dynamo.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);

describe('a reservation of the most distinct SKUs an order may have', () => {
  it(`reserves ${MAX_ORDER_LINES} SKUs in one transaction within ${MAX_TRANSACTION_ITEMS} items`, async () => {
    const out = await handleReservation(
      store,
      {
        type: 'ReserveStock',
        data: { orderId: 'order-1', items: lines(MAX_ORDER_LINES) },
        metadata: commandMeta,
      },
      metadata,
    );
    expect(out.result).toMatchObject({ status: 'RESERVED' });
    const [written, ...more] = transactItems();
    expect(more).toEqual([]);
    expect(written!.length).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
  });

  it(`releases ${MAX_ORDER_LINES} SKUs in one transaction within ${MAX_TRANSACTION_ITEMS} items`, async () => {
    streams['reservation#order-1'] = [
      item('reservation#order-1', 1, 'StockReserved', {
        reservationId: 'order-1',
        orderId: 'order-1',
        items: lines(MAX_ORDER_LINES),
      }),
    ];
    for (const { sku } of lines(MAX_ORDER_LINES)) {
      streams[`product#${sku}`]!.push(
        item(`product#${sku}`, 2, 'StockReserved', {
          reservationId: 'order-1',
          orderId: 'order-1',
          items: [{ sku, quantity: 1 }],
        }),
      );
    }
    const out = await handleReservation(
      store,
      {
        type: 'ReleaseStock',
        data: { orderId: 'order-1', reason: 'payment declined' },
        metadata: commandMeta,
      },
      metadata,
    );
    expect(out.result).toMatchObject({ status: 'RELEASED' });
    const [written, ...more] = transactItems();
    expect(more).toEqual([]);
    // The fullest transaction the reservation writes: the limit is derived from it.
    expect(written).toHaveLength(MAX_TRANSACTION_ITEMS);
  });

  it(`refuses ${MAX_ORDER_LINES + 1} SKUs with a ValidationError and writes nothing`, async () => {
    await expect(
      handleReservation(
        store,
        {
          type: 'ReserveStock',
          data: { orderId: 'order-2', items: lines(MAX_ORDER_LINES + 1) },
          metadata: commandMeta,
        },
        metadata,
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(transactItems()).toEqual([]);
  });
});
