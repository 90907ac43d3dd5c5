import { describe, expect, it } from 'vitest';
import { EventValidationError } from '../../functions/kernel/errors.js';
import { causedBy, createEvent, rootMetadata } from '../../functions/kernel/events/metadata.js';
import { parseEvent } from '../../functions/kernel/events/parse.js';
import {
  childTraceparent,
  parseTraceparent,
  traceContextFromXRay,
  traceIdAt,
  xrayTraceHeader,
} from '../../functions/kernel/events/trace-context.js';
import {
  FIXED_TIME,
  orderPlacedV2,
  PARENT_SPAN_ID,
  PARENT_TRACE_ID,
  sequentialIds,
} from '../helpers/events.js';

describe('causedBy', () => {
  it('keeps the correlation id, points causation at the parent and continues its trace with a new span', () => {
    const parent = orderPlacedV2({ eventId: 'evt-42', correlationId: 'corr-abc' });
    const meta = causedBy(parent, '1234567890abcdef');
    expect(meta).toEqual({
      correlationId: 'corr-abc',
      causationId: 'evt-42',
      traceparent: `00-${PARENT_TRACE_ID}-1234567890abcdef-01`,
      // The parent predates the field (depth 0): its child is one hop deeper.
      causationDepth: 1,
    });
    expect(parseTraceparent(meta.traceparent)?.traceId).toBe(parseTraceparent(parent.traceparent)?.traceId);
    expect(parseTraceparent(meta.traceparent)?.spanId).not.toBe(PARENT_SPAN_ID);
  });

  it('keeps the sampled flag of the parent', () => {
    const parent = orderPlacedV2({ traceparent: `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-00` });
    expect(causedBy(parent, 'cccccccccccccccc').traceparent.endsWith('-00')).toBe(true);
  });

  it('refuses a span id that is not 16 hex digits', () => {
    expect(() => causedBy(orderPlacedV2(), 'xyz')).toThrow(EventValidationError);
    expect(() => causedBy(orderPlacedV2(), '0000000000000000')).toThrow(EventValidationError);
  });
});

describe('createEvent', () => {
  const data = {
    paymentId: 'pay-1',
    orderId: 'order-1',
    customerId: 'user-1',
    amount: 3399,
    currency: 'EUR',
    providerReference: 'ch_123',
  };

  it('builds the newest version, source from the catalogue, metadata from the arguments only', () => {
    const parent = orderPlacedV2();
    const event = createEvent(
      { type: 'PaymentCharged', data, streamId: 'pay-1', streamVersion: 1 },
      {
        ...causedBy(parent, '00000000000000aa'),
        eventId: 'evt-new',
        occurredAt: FIXED_TIME,
        actor: { type: 'service', id: 'payments' },
      },
    );
    expect(event).toEqual({
      eventId: 'evt-new',
      type: 'PaymentCharged',
      version: 1,
      source: 'payments',
      streamId: 'pay-1',
      streamVersion: 1,
      occurredAt: FIXED_TIME,
      correlationId: parent.correlationId,
      causationId: parent.eventId,
      traceparent: `00-${PARENT_TRACE_ID}-00000000000000aa-01`,
      actor: { type: 'service', id: 'payments' },
      causationDepth: 1,
      data,
    });
    expect(parseEvent(event)).toEqual(event);
  });

  it('refuses invalid data with the issues (no half-valid event leaves the producer)', () => {
    const make = () =>
      createEvent(
        { type: 'PaymentCharged', data: { ...data, amount: -1 }, streamId: 'pay-1', streamVersion: 1 },
        {
          correlationId: 'c',
          causationId: 'x',
          traceparent: `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-01`,
          eventId: 'e',
          occurredAt: FIXED_TIME,
          actor: { type: 'system', id: 'test' },
        },
      );
    expect(make).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT_DATA', eventType: 'PaymentCharged' }),
    );
  });

  it('starts a transaction with rootMetadata: new correlation, the command as cause, a sampled new trace', () => {
    const ids = sequentialIds();
    const root = rootMetadata({
      correlationId: ids.uuid(),
      commandId: 'req-1',
      traceId: ids.traceId(new Date(FIXED_TIME)),
      spanId: ids.spanId(),
    });
    expect(root.correlationId).toBe('00000000-0000-4000-8000-000000000001');
    expect(root.causationId).toBe('req-1');
    expect(root.traceparent).toBe('00-67c2f6c0000000000000000000000002-0000000000000003-01');
  });
});

describe('trace context', () => {
  it('makes trace ids whose first 8 hex digits are the epoch seconds (X-Ray compatible)', () => {
    expect(traceIdAt(new Date(FIXED_TIME), 'a'.repeat(24)).slice(0, 8)).toBe(
      (Date.parse(FIXED_TIME) / 1000).toString(16),
    );
  });

  it('converts between traceparent and the X-Ray header', () => {
    const tp = `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-01`;
    const header = xrayTraceHeader(tp)!;
    expect(header).toBe(`Root=1-67c2f5c0-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=${PARENT_SPAN_ID};Sampled=1`);
    expect(traceContextFromXRay(header)).toEqual({
      traceId: PARENT_TRACE_ID,
      spanId: PARENT_SPAN_ID,
      flags: '01',
    });
    expect(childTraceparent('garbage', PARENT_SPAN_ID)).toBeUndefined();
  });
});
