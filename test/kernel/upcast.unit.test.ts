import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { EventValidationError } from '../../functions/kernel/errors.js';
import { defineEvent } from '../../functions/kernel/events/define.js';
import { createEventReader, parseEvent, upcast } from '../../functions/kernel/events/parse.js';
import { anEnvelope, orderPlacedV1, orderPlacedV1Data, orderPlacedV2Data } from '../helpers/events.js';

describe('OrderPlaced v1 → v2 → v3', () => {
  it('reads a v1 event as v3: the USD its amounts always meant, and no payment token', () => {
    const event = parseEvent(orderPlacedV1());
    expect(event).toMatchObject({ type: 'OrderPlaced', version: 3, eventId: 'evt-parent-1' });
    const { paymentToken: _token, ...withoutToken } = orderPlacedV1Data();
    expect(event.data).toEqual({ ...withoutToken, currency: 'USD' });
  });

  it('reads a v2 event as v3 without its payment token (the token lives in the vault now)', () => {
    const event = parseEvent(orderPlacedV1({ version: 2, data: orderPlacedV2Data() }));
    expect(event.version).toBe(3);
    expect(event.data).not.toHaveProperty('paymentToken');
    expect(JSON.stringify(event)).not.toContain('tok_visa');
    expect(event.data).toMatchObject({ currency: 'EUR', total: 3399 });
  });

  it('upcast() brings a validated v1 envelope to the newest shape', () => {
    const event = upcast(orderPlacedV1());
    expect(event.version).toBe(3);
    if (event.type === 'OrderPlaced') expect(event.data.currency).toBe('USD');
  });

  it('keeps the metadata (ids, trace, stream position) through upcasting', () => {
    const original = orderPlacedV1({ streamVersion: 7, correlationId: 'corr-x' });
    const { version: _v, data: _d, ...meta } = original;
    expect(parseEvent(original)).toMatchObject(meta);
  });

  it('validates v1 data against the v1 schema (a v1 event with v2 fields missing v1 ones fails)', () => {
    const { total: _, ...noTotal } = orderPlacedV1Data();
    expect(() => parseEvent(orderPlacedV1({ data: noTotal }))).toThrow(EventValidationError);
  });
});

describe('an upcaster chain', () => {
  // Thing v1 {name} → v2 {givenName, familyName} → v3 adds {locale}: reading v1 runs both steps in order.
  const ThingV1 = z.object({ name: z.string() });
  const ThingV2 = z.object({ givenName: z.string(), familyName: z.string() });
  const ThingV3 = ThingV2.extend({ locale: z.string() });
  const thing = defineEvent({
    type: 'UserCreated', // a real name, so the envelope regex and source accept it
    service: 'users',
    description: 'test chain',
    versions: [ThingV1, ThingV2, ThingV3],
    upcasters: [
      (v1) => {
        const [givenName = '', ...rest] = v1.name.split(' ');
        return { givenName, familyName: rest.join(' ') };
      },
      (v2) => ({ ...v2, locale: 'en-US' }),
    ],
  });
  const reader = createEventReader([thing]);
  const v = (version: number, data: Record<string, unknown>) =>
    anEnvelope({ type: 'UserCreated', source: 'users', version, data });

  it('runs every step from the stored version to the newest', () => {
    expect(reader.parseEvent(v(1, { name: 'Ada King Lovelace' }))).toMatchObject({
      version: 3,
      data: { givenName: 'Ada', familyName: 'King Lovelace', locale: 'en-US' },
    });
    expect(reader.parseEvent(v(2, { givenName: 'Ada', familyName: 'L' }))).toMatchObject({
      version: 3,
      data: { givenName: 'Ada', familyName: 'L', locale: 'en-US' },
    });
  });

  it('reports a throwing upcaster as UPCAST_FAILED with the cause kept', () => {
    const broken = defineEvent({
      type: 'UserCreated',
      service: 'users',
      description: 'broken',
      versions: [ThingV1, ThingV2],
      upcasters: [
        () => {
          throw new Error('boom');
        },
      ],
    });
    let error: EventValidationError | undefined;
    try {
      createEventReader([broken]).parseEvent(v(1, { name: 'x' }));
    } catch (e) {
      error = e as EventValidationError;
    }
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error!.code).toBe('UPCAST_FAILED');
    expect((error!.cause as Error).message).toBe('boom');
  });

  it('reports an upcaster whose output does not match the newest schema', () => {
    const wrong = defineEvent({
      type: 'UserCreated',
      service: 'users',
      description: 'wrong',
      versions: [ThingV1, ThingV2],
      upcasters: [(v1) => ({ givenName: v1.name }) as never],
    });
    expect(() => createEventReader([wrong]).parseEvent(v(1, { name: 'x' }))).toThrow(
      expect.objectContaining({ code: 'UPCAST_FAILED', eventVersion: 1 }),
    );
  });

  it('refuses a definition whose upcasters do not bridge every version', () => {
    expect(() =>
      defineEvent({
        type: 'UserCreated',
        service: 'users',
        description: 'gap',
        versions: [ThingV1, ThingV2],
        upcasters: [] as never,
      }),
    ).toThrow(/need 1 upcasters/);
  });
});
