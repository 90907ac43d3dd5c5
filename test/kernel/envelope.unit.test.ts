import { describe, expect, it } from 'vitest';
import { EventValidationError } from '../../functions/kernel/errors.js';
import {
  catalogue,
  eventTypes,
  findEntry,
  latestVersion,
  typesOf,
} from '../../functions/kernel/events/catalogue.js';
import { eventEnvelopeSchema } from '../../functions/kernel/events/envelope.js';
import { parseEvent, parseEventBridgeEvent } from '../../functions/kernel/events/parse.js';
import { anEnvelope, eventBridgeEvent, orderPlacedV2 } from '../helpers/events.js';

function thrown(fn: () => unknown): EventValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return error as EventValidationError;
  }
  throw new Error('expected an EventValidationError');
}

describe('event envelope', () => {
  it('accepts a well-formed envelope', () => {
    expect(eventEnvelopeSchema.safeParse(orderPlacedV2()).success).toBe(true);
  });

  it.each([
    ['traceparent', 'not-a-traceparent'],
    ['traceparent', '00-00000000000000000000000000000000-bbbbbbbbbbbbbbbb-01'],
    ['traceparent', '00-67C2F5C0AAAAAAAAAAAAAAAAAAAAAAAA-bbbbbbbbbbbbbbbb-01'],
    ['occurredAt', '1 March 2025'],
    ['version', 0],
    ['version', 1.5],
    ['source', 'billing'],
    ['streamVersion', 0],
    ['actor', { type: 'robot', id: 'x' }],
  ])('refuses a bad %s (%j)', (field, value) => {
    expect(eventEnvelopeSchema.safeParse({ ...orderPlacedV2(), [field]: value }).success).toBe(false);
  });

  it('refuses an envelope with a missing metadata field', () => {
    const { correlationId: _, ...rest } = orderPlacedV2();
    expect(eventEnvelopeSchema.safeParse(rest).success).toBe(false);
  });
});

describe('catalogue', () => {
  const required: Record<string, string[]> = {
    users: ['UserCreated', 'UserUpdated', 'UserDeleted'],
    inventory: ['ProductAdded', 'StockRestocked', 'StockReserved', 'StockReservationFailed', 'StockReleased'],
    orders: ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled', 'OrderShipped', 'OrderDelivered'],
    payments: ['PaymentCharged', 'PaymentDeclined', 'PaymentFailed', 'PaymentRefunded'],
    shipping: [
      'ShipmentCreated',
      'ShipmentFailed',
      'ShipmentCancelled',
      'ShipmentDispatched',
      'ShipmentDelivered',
      'MissionCreated',
      'TaskAssigned',
      'TaskCompleted',
      'MissionCompleted',
      'MissionCancelled',
    ],
    notifications: ['NotificationSent'],
    reviews: ['ReviewSubmitted'],
    saga: ['SagaStarted', 'SagaStepCompleted', 'SagaCompensated', 'SagaFailed'],
    security: ['SecurityAuditRecorded'],
  };

  it.each(Object.entries(required))('has every %s event', (service, types) => {
    expect(typesOf(service as never)).toEqual(expect.arrayContaining(types));
  });

  it('names every event in the past tense', () => {
    const irregular = ['Sent'];
    for (const type of eventTypes) {
      expect(type.endsWith('ed') || irregular.some((s) => type.endsWith(s)), type).toBe(true);
    }
  });

  it('has one entry per (type, version), versions contiguous from 1', () => {
    for (const type of eventTypes) {
      const latest = latestVersion(type)!;
      for (let v = 1; v <= latest; v++) expect(findEntry(type, v), `${type} v${v}`).toBeDefined();
      expect(catalogue.filter((e) => e.type === type && e.latest)).toHaveLength(1);
    }
    expect(latestVersion('OrderPlaced')).toBe(3);
  });
});

describe('parseEvent', () => {
  it('returns a valid newest-version event unchanged', () => {
    const event = parseEvent(orderPlacedV2());
    expect(event.type).toBe('OrderPlaced');
    if (event.type === 'OrderPlaced') expect(event.data.currency).toBe('EUR');
  });

  it('strips unknown keys instead of failing, so optional additions do not break readers', () => {
    const event = parseEvent({ ...orderPlacedV2(), futureField: 1 });
    expect(event).not.toHaveProperty('futureField');
  });

  it('refuses something that is not an envelope', () => {
    const error = thrown(() => parseEvent({ hello: 'world' }));
    expect(error.code).toBe('INVALID_ENVELOPE');
    expect(error.issues.length).toBeGreaterThan(0);
  });

  it('refuses an unknown type', () => {
    const error = thrown(() => parseEvent(anEnvelope({ type: 'OrderTeleported', source: 'orders' })));
    expect(error).toMatchObject({
      code: 'UNKNOWN_EVENT_TYPE',
      eventType: 'OrderTeleported',
      eventVersion: 1,
    });
  });

  it('refuses a version this code does not know', () => {
    const error = thrown(() => parseEvent(orderPlacedV2({ version: 4 })));
    expect(error).toMatchObject({ code: 'UNKNOWN_EVENT_VERSION', eventType: 'OrderPlaced', eventVersion: 4 });
  });

  it('refuses data that does not match its version, with the zod issues and the type/version', () => {
    const bad = orderPlacedV2();
    (bad.data as { total: unknown }).total = 12.5; // money must be integer minor units
    const error = thrown(() => parseEvent(bad));
    expect(error).toMatchObject({ code: 'INVALID_EVENT_DATA', eventType: 'OrderPlaced', eventVersion: 2 });
    expect(error.issues.map((i) => i.path.join('.'))).toContain('data.total');
    expect(error.toJSON()).toMatchObject({ code: 'INVALID_EVENT_DATA', issues: [{ path: 'data.total' }] });
  });

  it('refuses an event whose source is not the owner of its type', () => {
    expect(thrown(() => parseEvent(orderPlacedV2({ source: 'payments' }))).code).toBe('INVALID_EVENT_DATA');
  });
});

describe('parseEventBridgeEvent', () => {
  it('parses the detail of a rule delivery', () => {
    expect(parseEventBridgeEvent(eventBridgeEvent(orderPlacedV2())).type).toBe('OrderPlaced');
  });

  it('refuses a detail-type that disagrees with the envelope', () => {
    const event = { ...eventBridgeEvent(orderPlacedV2()), 'detail-type': 'OrderConfirmed' };
    expect(thrown(() => parseEventBridgeEvent(event)).code).toBe('ENVELOPE_MISMATCH');
  });

  it('refuses a source that disagrees with the envelope', () => {
    const event = { ...eventBridgeEvent(orderPlacedV2()), source: 'commerceforge.payments' };
    expect(thrown(() => parseEventBridgeEvent(event)).code).toBe('ENVELOPE_MISMATCH');
  });
});
