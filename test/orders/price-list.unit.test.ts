import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { createEvent } from '../../functions/kernel/events/metadata.js';
import { documentClient } from '../../functions/kernel/store/dynamodb.js';
import { lookUpPrices, priceListProjection } from '../../functions/orders/handlers/price-list.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = documentClient(new DynamoDBClient({ region: 'us-east-1' }));
beforeEach(() => dynamo.reset());

const meta = {
  eventId: 'evt-1',
  occurredAt: '2026-11-23T12:00:00.000Z',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  traceparent: '00-6741c0de00000000000000000000abcd-00000000000000aa-01',
  actor: { type: 'system' as const, id: 'seed' },
};
const added = (streamId: string) =>
  createEvent(
    {
      type: 'ProductAdded',
      data: { sku: 'MUG', name: 'Mug', price: 1200, currency: 'USD', initialStock: 3 },
      streamId,
      streamVersion: 1,
    },
    meta,
  ) as DomainEvent;

describe('PriceList', () => {
  it("keeps a product's price from its ProductAdded", () => {
    const event = added('product#MUG');
    expect(priceListProjection.keyOf(event)).toBe('MUG');
    expect(priceListProjection.project(undefined, event)).toEqual({
      sku: 'MUG',
      name: 'Mug',
      price: 1200,
      currency: 'USD',
      updatedAt: '2026-11-23T12:00:00.000Z',
    });
  });

  it('ignores a ProductAdded outside its product stream', () => {
    expect(priceListProjection.keyOf(added('elsewhere#MUG'))).toBeUndefined();
  });

  it('looks SKUs up once each, asks again for unprocessed keys, leaves unknown SKUs out', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { prices: [{ sku: 'MUG', price: 1200, currency: 'USD' }] },
        UnprocessedKeys: { prices: { Keys: [{ sku: 'CAP' }] } },
      })
      .resolvesOnce({ Responses: { prices: [{ sku: 'CAP', price: 1800, currency: 'USD' }] } });
    const found = await lookUpPrices(client, 'prices', ['MUG', 'CAP', 'MUG', 'NOPE']);
    expect(found).toEqual([
      { sku: 'MUG', price: 1200, currency: 'USD' },
      { sku: 'CAP', price: 1800, currency: 'USD' },
    ]);
    const calls = dynamo.commandCalls(BatchGetCommand);
    expect(calls[0]!.args[0].input.RequestItems!.prices!.Keys).toEqual([
      { sku: 'MUG' },
      { sku: 'CAP' },
      { sku: 'NOPE' },
    ]);
    expect(calls[1]!.args[0].input.RequestItems!.prices!.Keys).toEqual([{ sku: 'CAP' }]);
  });
});
