import { describe, expect, it } from 'vitest';
import { matchesEventPattern, validateEventPattern } from '../../../local/eventbridge/pattern.js';
import {
  MAX_WILDCARD_COMPLEXITY,
  TOO_COMPLEX,
  wildcardComplexity,
} from '../../../local/eventbridge/pattern-complexity.js';
import { makeService } from '../../helpers/local-eventbridge.js';

// Issue 16: fields are named by their path joined with dots (event-ruler), in patterns and in events; a
// wildcard pattern past the complexity limit is refused as InvalidEventPatternException.

const event = (detail: Record<string, unknown>) => ({ source: 'orders', 'detail-type': 'X', detail });

describe('dotted keys are the nesting they name', () => {
  const nested = { detail: { state: { status: ['SHIPPED'] } } };
  const dotted = { detail: { 'state.status': ['SHIPPED'] } };
  const topDotted = { 'detail.state.status': ['SHIPPED'] };

  it('a dotted pattern key matches a nested event, and a nested pattern a dotted event key', () => {
    for (const pattern of [nested, dotted, topDotted]) {
      expect(matchesEventPattern(pattern, event({ state: { status: 'SHIPPED' } }))).toBe(true);
      expect(matchesEventPattern(pattern, event({ 'state.status': 'SHIPPED' }))).toBe(true);
      expect(matchesEventPattern(pattern, event({ state: { status: 'PENDING' } }))).toBe(false);
      expect(matchesEventPattern(pattern, event({ 'state.status': 'PENDING' }))).toBe(false);
      expect(matchesEventPattern(pattern, event({ state: 'SHIPPED' }))).toBe(false);
    }
  });

  it('merges a dotted key with the nesting beside it, in patterns (AND) and in events', () => {
    const both = { detail: { state: { status: ['SHIPPED'] }, 'state.carrier': ['ups'] } };
    expect(matchesEventPattern(both, event({ state: { status: 'SHIPPED', carrier: 'ups' } }))).toBe(true);
    expect(matchesEventPattern(both, event({ state: { status: 'SHIPPED' }, 'state.carrier': 'ups' }))).toBe(
      true,
    );
    expect(matchesEventPattern(both, event({ state: { status: 'SHIPPED', carrier: 'dhl' } }))).toBe(false);
    // A name that is both a value and an object in the event keeps both.
    const mixed = event({ a: 1, 'a.b': 2 });
    expect(matchesEventPattern({ detail: { a: [1] } }, mixed)).toBe(true);
    expect(matchesEventPattern({ detail: { 'a.b': [2] } }, mixed)).toBe(true);
    expect(matchesEventPattern({ detail: { a: { b: [3] } } }, mixed)).toBe(false);
  });

  it('keeps exists, $or and arrays working through dotted names', () => {
    expect(
      matchesEventPattern({ 'detail.state.status': [{ exists: true }] }, event({ 'state.status': 'x' })),
    ).toBe(true);
    expect(matchesEventPattern({ 'detail.state.status': [{ exists: false }] }, event({ state: {} }))).toBe(
      true,
    );
    const or = { detail: { $or: [{ 'state.status': ['A'] }, { 'state.code': [7] }] } };
    expect(matchesEventPattern(or, event({ state: { code: 7 } }))).toBe(true);
    expect(matchesEventPattern(or, event({ 'state.status': 'B' }))).toBe(false);
    expect(
      matchesEventPattern(
        dotted,
        event({ items: [{ 'state.status': 'SHIPPED' }], state: { status: 'SHIPPED' } }),
      ),
    ).toBe(true);
  });
});

describe('wildcard complexity', () => {
  it("refuses AWS's example of a pattern too complex, and accepts ordinary wildcards", () => {
    expect(wildcardComplexity(['*:*:*:*:*:event-bus/*'])).toBeGreaterThan(MAX_WILDCARD_COMPLEXITY);
    for (const ok of ['*.png', '*/lib/*', 'Simple*Service', 'arn:aws:events:*:*:event-bus/*']) {
      expect(wildcardComplexity([ok])).toBeLessThanOrEqual(MAX_WILDCARD_COMPLEXITY);
      expect(() => validateEventPattern({ resources: [{ wildcard: ok }] })).not.toThrow();
    }
    // Several wildcards on one field add up.
    expect(wildcardComplexity(['*a*', '*b*', '*c*', '*d*', '*e*', '*f*'])).toBeGreaterThan(
      MAX_WILDCARD_COMPLEXITY,
    );
  });

  it('refuses it as InvalidEventPatternException, on PutRule and TestEventPattern, nested and in anything-but', async () => {
    const { call } = makeService({});
    const tooComplex = { resources: [{ wildcard: '*:*:*:*:*:event-bus/*' }] };
    const expected = {
      code: 'InvalidEventPatternException',
      message: `Event pattern is not valid. Reason: ${TOO_COMPLEX}`,
    };
    await expect(
      call('PutRule', { Name: 'r', EventPattern: JSON.stringify(tooComplex) }),
    ).rejects.toMatchObject(expected);
    const someEvent = JSON.stringify({
      id: '1',
      account: '123456789012',
      source: 's',
      time: '2017-10-02T18:43:48Z',
      region: 'us-east-1',
      'detail-type': 'x',
      resources: [],
      detail: {},
    });
    await expect(
      call('TestEventPattern', { EventPattern: JSON.stringify(tooComplex), Event: someEvent }),
    ).rejects.toMatchObject(expected);
    expect(() =>
      validateEventPattern({ detail: { arn: [{ 'anything-but': { wildcard: '*:*:*:*:*:event-bus/*' } }] } }),
    ).toThrow(TOO_COMPLEX);
    expect(() =>
      validateEventPattern({ $or: [{ a: ['x'] }, { b: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }] }),
    ).toThrow(TOO_COMPLEX);
  });
});
