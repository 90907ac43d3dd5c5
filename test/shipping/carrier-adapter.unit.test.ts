/**
 * The carrier adapter over a fake `fetch`, and CreateShipment with a carrier (an in-memory one answering as the
 * sandbox does): an acceptance creates the shipment, a rejection records ShipmentFailed, an outage throws the
 * retryable CarrierUnavailableError and writes nothing; a shipment already decided does not ask again.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { SandboxMode } from '../../functions/sandbox/contract.js';
import { simulateShipment } from '../../functions/sandbox/simulate.js';
import { parseCommand } from '../../functions/shipping/domain/index.js';
import { type CarrierClient, httpCarrier } from '../../functions/shipping/handlers/carrier-adapter.js';
import { shippingConfigFrom } from '../../functions/shipping/handlers/config.js';
import { CarrierUnavailableError, ShipmentFailedError } from '../../functions/shipping/handlers/errors.js';
import { shippingExecutor } from '../../functions/shipping/handlers/execute.js';

const booking = { shipmentId: 's-1', orderId: 'o-1', country: 'FR', parcels: 1 };

describe('the carrier adapter', () => {
  const carrier = (status: number, body: unknown) => {
    const keys: (string | null)[] = [];
    const client = httpCarrier({
      url: async () => 'http://127.0.0.1:9/lambda-url/c/',
      timeoutMs: 100,
      signed: false,
      fetch: (async (input: URL, init: RequestInit) => {
        keys.push(new Request(input, init).headers.get('idempotency-key'));
        return new Response(JSON.stringify(body), { status });
      }) as typeof fetch,
    });
    return { client, keys };
  };

  it('books with the shipment id as idempotency key; a rejection is an answer', async () => {
    const accepted = carrier(200, { status: 'accepted', carrier: 'SimPost', reference: 'r' });
    expect(await accepted.client.book(booking)).toMatchObject({ status: 'accepted' });
    expect(accepted.keys).toEqual(['s-1']);
    const rejected = carrier(422, { status: 'rejected', code: 'UNSUPPORTED_COUNTRY', reason: 'no' });
    expect(await rejected.client.book(booking)).toMatchObject({
      status: 'rejected',
      code: 'UNSUPPORTED_COUNTRY',
    });
  });

  it('throws CarrierUnavailableError (retryable) on 503', async () => {
    const error = await carrier(503, { error: 'unavailable' })
      .client.book(booking)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierUnavailableError);
    expect(error).toMatchObject({ code: 'CARRIER_UNAVAILABLE', retryable: true });
  });
});

describe('CreateShipment with a carrier', () => {
  const fakeCarrier = (mode: SandboxMode): CarrierClient & { calls: number } => {
    const fake = {
      calls: 0,
      async book(request: typeof booking) {
        fake.calls++;
        const answer = simulateShipment(mode, request);
        if (answer.status === 'unavailable') throw new CarrierUnavailableError(answer.reason);
        return answer;
      },
    };
    return fake;
  };
  const memoryStore = () => {
    const streams = new Map<string, DomainEvent[]>();
    const store = {
      streams,
      rehydrate: async (
        streamId: string,
        decider: { evolve: (s: unknown, e: unknown) => unknown; initialState: () => unknown },
      ) => {
        const events = streams.get(streamId) ?? [];
        return {
          state: events.reduce(decider.evolve as never, decider.initialState()),
          version: events.length,
        };
      },
      appendMany: async (writes: { streamId: string; events: DomainEvent[] }[]) => {
        for (const w of writes) streams.set(w.streamId, [...(streams.get(w.streamId) ?? []), ...w.events]);
      },
    };
    return store as unknown as EventStore & { streams: Map<string, DomainEvent[]> };
  };
  let n = 0;
  const metadata = () => ({
    eventId: `evt-${++n}`,
    occurredAt: '2026-12-05T00:00:00.000Z',
    correlationId: 'corr',
    causationId: 'cause',
    traceparent: '00-6741c0de00000000000000000000abcd-00000000000000aa-01',
    actor: { type: 'service' as const, id: 'saga' },
  });
  const create = (country: string) =>
    parseCommand({
      type: 'CreateShipment',
      data: {
        shipmentId: 's-1',
        orderId: 'o-1',
        items: [{ sku: 'SKU-1', quantity: 1 }],
        shippingAddress: { line1: '1 rue', city: 'Paris', postalCode: '75001', country },
      },
      metadata: {
        commandId: 'o-1:CreateShipment',
        issuedAt: '2026-12-05T00:00:00.000Z',
        actor: metadata().actor,
      },
    });

  it('creates the shipment when the carrier accepts, and does not ask again on a retry', async () => {
    const carrier = fakeCarrier('ok');
    const store = memoryStore();
    const execute = shippingExecutor(shippingConfigFrom({}), () => carrier);
    const { events } = await execute(create('FR'), { store, metadata });
    expect(events.map((e) => e.type)).toEqual(['ShipmentCreated', 'MissionCreated']);
    await execute(create('FR'), { store, metadata });
    expect(carrier.calls).toBe(1);
  });

  it('records ShipmentFailed with the carrier reason when it rejects a country the deployment allows', async () => {
    const carrier = fakeCarrier('ok');
    const store = memoryStore();
    const execute = shippingExecutor(
      shippingConfigFrom({ SHIPPING_SUPPORTED_COUNTRIES: 'FR,JP' }),
      () => carrier,
    );
    await expect(execute(create('JP'), { store, metadata })).rejects.toBeInstanceOf(ShipmentFailedError);
    expect(store.streams.get('s-1')?.map((e) => e.type)).toEqual(['ShipmentFailed']);
  });

  it('throws CarrierUnavailableError in an outage and writes nothing', async () => {
    const store = memoryStore();
    const execute = shippingExecutor(shippingConfigFrom({}), () => fakeCarrier('outage'));
    await expect(execute(create('FR'), { store, metadata })).rejects.toBeInstanceOf(CarrierUnavailableError);
    expect(store.streams.size).toBe(0);
  });

  it('does not ask the carrier for a country the deployment does not serve', async () => {
    const carrier = fakeCarrier('ok');
    const execute = shippingExecutor(shippingConfigFrom({}), () => carrier);
    await expect(execute(create('JP'), { store: memoryStore(), metadata })).rejects.toBeInstanceOf(
      ShipmentFailedError,
    );
    expect(carrier.calls).toBe(0);
  });
});
