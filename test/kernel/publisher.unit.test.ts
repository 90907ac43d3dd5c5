import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventTooLargeError, KernelConfigurationError, PublishError } from '../../functions/kernel/errors.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import {
  backoffDelay,
  createPublisher,
  MAX_BYTES_PER_CALL,
  publisherFromEnvironment,
  putEventsEntrySize,
  toPutEventsEntry,
} from '../../functions/kernel/publisher.js';
import { anEnvelope, orderPlacedV2, PARENT_SPAN_ID } from '../helpers/events.js';

const eb = mockClient(EventBridgeClient);

/** n small events with distinct ids. */
const events = (n: number, padBytes = 0): EventEnvelope[] =>
  Array.from({ length: n }, (_, i) =>
    anEnvelope({
      type: 'UserCreated',
      source: 'users',
      eventId: `evt-${i + 1}`,
      data: { userId: `u-${i + 1}`, email: `u${i + 1}@example.com`, name: 'x'.repeat(Math.max(1, padBytes)) },
    }),
  );

const entriesOfCall = (i: number): PutEventsRequestEntry[] =>
  eb.commandCalls(PutEventsCommand)[i]!.args[0].input.Entries!;
const idsOfCall = (i: number) => entriesOfCall(i).map((e) => JSON.parse(e.Detail!).eventId as string);

/** Accept everything, answering with EventBridge ids `eb-<eventId>`. */
function acceptAll() {
  eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((e) => ({ EventId: `eb-${JSON.parse(e.Detail!).eventId}` })),
  }));
}

describe('event → PutEvents entry', () => {
  it('maps bus, source, detail-type, detail, time and the X-Ray trace header', () => {
    const event = orderPlacedV2();
    const entry = toPutEventsEntry(event, 'commerceforge-dev');
    expect(entry).toEqual({
      EventBusName: 'commerceforge-dev',
      Source: 'commerceforge.orders',
      DetailType: 'OrderPlaced',
      Detail: JSON.stringify(event),
      Time: new Date(event.occurredAt),
      TraceHeader: `Root=1-67c2f5c0-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=${PARENT_SPAN_ID};Sampled=1`,
    });
  });

  it('computes the entry size as EventBridge does (UTF-8 bytes, 14 for Time)', () => {
    const entry: PutEventsRequestEntry = {
      Source: 'commerceforge.users', // 19
      DetailType: 'UserCreated', // 11
      Detail: '{"name":"Zoë"}', // 15 bytes (ë is 2)
      Resources: ['arn:x'], // 5
      Time: new Date(),
      EventBusName: 'not counted',
      TraceHeader: 'not counted',
    };
    expect(putEventsEntrySize(entry)).toBe(14 + 19 + 11 + 15 + 5);
  });
});

describe('publisher', () => {
  const sleeps: number[] = [];
  const options = {
    client: new EventBridgeClient({ region: 'us-east-1' }),
    eventBusName: 'bus',
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };

  beforeEach(() => {
    eb.reset();
    sleeps.length = 0;
  });
  afterEach(() => eb.reset());

  it('sends 11 events in two calls of at most 10', async () => {
    acceptAll();
    const result = await createPublisher(options).publish(events(11));
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(entriesOfCall(0)).toHaveLength(10);
    expect(entriesOfCall(1)).toHaveLength(1);
    expect(result.eventBridgeIds).toEqual(events(11).map((e) => `eb-${e.eventId}`));
    expect(result.attempts).toBe(1);
  });

  it('splits entries so that no call exceeds 256 KB', async () => {
    acceptAll();
    const big = events(3, 100 * 1024); // ~100 KB each: 2 fit in a call, the third does not
    await createPublisher(options).publish(big);
    const calls = eb.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    for (let i = 0; i < calls.length; i++) {
      const total = entriesOfCall(i).reduce((sum, e) => sum + putEventsEntrySize(e), 0);
      expect(total).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    }
    expect(idsOfCall(0)).toEqual(['evt-1', 'evt-2']);
    expect(idsOfCall(1)).toEqual(['evt-3']);
  });

  it('refuses an event over 256 KB up front, sending nothing', async () => {
    acceptAll();
    const batch = [...events(2), ...events(1, 300 * 1024).map((e) => ({ ...e, eventId: 'evt-huge' }))];
    const publishing = createPublisher(options).publish(batch);
    await expect(publishing).rejects.toBeInstanceOf(EventTooLargeError);
    await expect(publishing).rejects.toMatchObject({ code: 'EVENT_TOO_LARGE', eventId: 'evt-huge' });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('retries only the entries that failed', async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'eb-1' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'eb-3' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-2' }, { EventId: 'eb-4' }] });

    const result = await createPublisher(options).publish(events(4));
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(idsOfCall(1)).toEqual(['evt-2', 'evt-4']);
    expect(result).toEqual({ eventBridgeIds: ['eb-1', 'eb-2', 'eb-3', 'eb-4'], attempts: 2 });
    expect(sleeps).toEqual([50]); // full jitter: random 0.5 * min(2000, 100 * 2^0)
  });

  it('gives up after maxAttempts naming the events not delivered and their error codes', async () => {
    eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((e) =>
        JSON.parse(e.Detail!).eventId === 'evt-2'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'still broken' }
          : { EventId: 'eb-ok' },
      ),
    }));
    const publishing = createPublisher({ ...options, maxAttempts: 3 }).publish(events(3));
    await expect(publishing).rejects.toBeInstanceOf(PublishError);
    const error = (await publishing.catch((e) => e)) as PublishError;
    expect(error.code).toBe('PUBLISH_FAILED');
    expect(error.undelivered).toEqual([
      { eventId: 'evt-2', type: 'UserCreated', errorCode: 'InternalFailure', errorMessage: 'still broken' },
    ]);
    expect(error.deliveredCount).toBe(2);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('evt-2 (UserCreated: InternalFailure)');
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('bounds the backoff: doubling, capped at maxDelayMs, jittered below the cap', async () => {
    eb.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException' }],
    });
    const publisher = createPublisher({
      ...options,
      maxAttempts: 7,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.999,
    });
    await expect(publisher.publish(events(1))).rejects.toBeInstanceOf(PublishError);
    expect(sleeps).toEqual([99, 199, 399, 799, 999, 999]);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(7);
    expect(backoffDelay(30, 100, 1000, () => 0.999)).toBeLessThan(1000);
    expect(backoffDelay(1, 100, 1000, () => 0)).toBe(0);
  });

  it('does not retry entries with a non-retryable error code', async () => {
    eb.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'eb-1' }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad json' }],
    });
    const error = (await createPublisher(options)
      .publish(events(2))
      .catch((e) => e)) as PublishError;
    expect(error.undelivered).toEqual([
      { eventId: 'evt-2', type: 'UserCreated', errorCode: 'MalformedDetail', errorMessage: 'bad json' },
    ]);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reports a failed call (after the SDK retries) for every entry of that call, cause kept', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    eb.on(PutEventsCommand).rejects(denied);
    const error = (await createPublisher(options)
      .publish(events(2))
      .catch((e) => e)) as PublishError;
    expect(error.undelivered.map((u) => [u.eventId, u.errorCode])).toEqual([
      ['evt-1', 'AccessDeniedException'],
      ['evt-2', 'AccessDeniedException'],
    ]);
    expect(error.cause).toBe(denied);
  });

  it('publishes nothing and succeeds for an empty list', async () => {
    await expect(createPublisher(options).publish([])).resolves.toEqual({ eventBridgeIds: [], attempts: 0 });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('publisherFromEnvironment', () => {
  beforeEach(() => eb.reset());

  it('publishes to the bus named by EVENT_BUS_NAME, through the captured client', async () => {
    acceptAll();
    const captured: unknown[] = [];
    const publisher = publisherFromEnvironment({
      env: { EVENT_BUS_NAME: 'commerceforge-dev' },
      capture: (c) => {
        captured.push(c);
        return c;
      },
    });
    await publisher.publish(events(1));
    expect(captured).toHaveLength(1);
    expect(entriesOfCall(0)[0]?.EventBusName).toBe('commerceforge-dev');
  });

  it('refuses to start without EVENT_BUS_NAME', () => {
    expect(() => publisherFromEnvironment({ env: {} })).toThrow(KernelConfigurationError);
  });
});
