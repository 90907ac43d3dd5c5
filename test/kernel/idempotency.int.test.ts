import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelConfigurationError } from '../../functions/kernel/errors.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import { idempotencyKeyOf, idempotentPerEvent, withIdempotency } from '../../functions/kernel/idempotency.js';
import { eventBridgeEvent, fakeLambdaContext } from '../helpers/events.js';
import { productStream } from '../helpers/inventory.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

let tables: LocalTables;
let tableName: string;

beforeAll(async () => {
  tables = await startLocalTables();
  tableName = await tables.keyedTable('idempotency', 'id');
});
afterAll(async () => {
  await tables?.stop();
});

describe('Powertools idempotency on DynamoDB Local', () => {
  it('runs a handler once for an event delivered twice, and answers the second with the first result', async () => {
    const effects: string[] = [];
    const handler = withIdempotency(
      async (event: ReturnType<typeof eventBridgeEvent>) => {
        effects.push(event.detail.eventId);
        return { reserved: effects.length };
      },
      { tableName, client: tables.raw, scope: 'test.reserve' },
    );
    const [first, second] = productStream('SKU-IDEM', 2);
    const delivery = eventBridgeEvent(first!);
    // A redelivery: same envelope, other outer EventBridge fields.
    const redelivery = { ...eventBridgeEvent(first!), id: 'eb-id-2', time: '2025-03-01T12:05:00Z' };

    expect(await handler(delivery, fakeLambdaContext())).toEqual({ reserved: 1 });
    expect(await handler(redelivery, fakeLambdaContext())).toEqual({ reserved: 1 });
    expect(effects).toEqual([first!.eventId]);

    expect(await handler(eventBridgeEvent(second!), fakeLambdaContext())).toEqual({ reserved: 2 });
    expect(effects).toEqual([first!.eventId, second!.eventId]);
  });

  it('runs again after a failed run: a failure leaves no record', async () => {
    let calls = 0;
    const handler = withIdempotency(
      async () => {
        calls++;
        if (calls === 1) throw new Error('downstream timeout');
        return 'ok';
      },
      { tableName, client: tables.raw, scope: 'test.flaky' },
    );
    const [event] = productStream('SKU-FLAKY', 1);
    await expect(handler(eventBridgeEvent(event!), fakeLambdaContext())).rejects.toThrow(
      'downstream timeout',
    );
    expect(await handler(eventBridgeEvent(event!), fakeLambdaContext())).toBe('ok');
    expect(await handler(eventBridgeEvent(event!), fakeLambdaContext())).toBe('ok');
    expect(calls).toBe(2);
  });

  it('keeps handlers apart by scope, and per-event work in a batch runs once per eventId', async () => {
    const seen: string[] = [];
    const applyOnce = idempotentPerEvent(
      async (envelope: EventEnvelope) => {
        seen.push(envelope.eventId);
        return envelope.streamVersion;
      },
      { tableName, client: tables.raw, scope: 'test.batch' },
    );
    const events = productStream('SKU-BATCH', 3);
    for (const e of [...events, events[1]!, events[0]!]) await applyOnce(e);
    expect(seen).toEqual(events.map((e) => e.eventId));

    const other = idempotentPerEvent(async (e: EventEnvelope) => e.eventId, {
      tableName,
      client: tables.raw,
      scope: 'test.other',
    });
    expect(await other(events[0]!)).toBe(events[0]!.eventId);
  });

  it('refuses an invocation without an envelope rather than run it unguarded', () => {
    expect(() => idempotencyKeyOf({ hello: 'world' })).toThrow(KernelConfigurationError);
    const [event] = productStream('SKU-KEY', 1);
    expect(idempotencyKeyOf(event)).toBe(event!.eventId);
    expect(idempotencyKeyOf(eventBridgeEvent(event!))).toBe(event!.eventId);
  });
});
