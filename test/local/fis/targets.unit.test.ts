import { describe, expect, it } from 'vitest';
import {
  qualifiedVersions,
  resolveLambdaTarget,
  select,
  type TargetableFunction,
  TargetResolutionError,
} from '../../../local/fis/targets.js';
import { seeded } from './helpers.js';

const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const fn = (name: string, tags: Record<string, string> = {}): TargetableFunction => ({
  name,
  arn: arn(name),
  tags,
});
const functions = [
  fn('pay', { chaos: 'payments', team: 'a' }),
  fn('pay-2', { chaos: 'payments', team: 'b' }),
  fn('stock', { chaos: 'inventory', team: 'a' }),
  fn('quiet'),
];
const lambdaTarget = { resourceType: 'aws:lambda:function', selectionMode: 'ALL' };

describe('resolving aws:lambda:function targets', () => {
  it('takes the functions that carry every one of the tags', () => {
    const byOne = resolveLambdaTarget(
      't',
      { ...lambdaTarget, resourceTags: { chaos: 'payments' } },
      functions,
    );
    expect(byOne.map((f) => f.name)).toEqual(['pay', 'pay-2']);
    const byTwo = resolveLambdaTarget(
      't',
      { ...lambdaTarget, resourceTags: { chaos: 'payments', team: 'b' } },
      functions,
    );
    expect(byTwo.map((f) => f.name)).toEqual(['pay-2']);
    expect(resolveLambdaTarget('t', { ...lambdaTarget, resourceTags: { chaos: 'none' } }, functions)).toEqual(
      [],
    );
  });

  it('takes the functions the ARNs name, with the qualifier of the ARN or of functionQualifier', () => {
    const [plain, qualified] = resolveLambdaTarget(
      't',
      { ...lambdaTarget, resourceArns: [arn('pay'), `${arn('stock')}:live`] },
      functions,
    );
    expect(plain).toEqual({ name: 'pay', arn: arn('pay') });
    expect(qualified).toEqual({ name: 'stock', arn: arn('stock'), qualifier: 'live' });
    const withParameter = resolveLambdaTarget(
      't',
      { ...lambdaTarget, resourceTags: { team: 'a' }, parameters: { functionQualifier: '$LATEST' } },
      functions,
    );
    expect(withParameter.map((f) => f.qualifier)).toEqual(['$LATEST', '$LATEST']);
  });

  it('fails on what it cannot resolve: an unknown ARN, filters, another resource type', () => {
    expect(() =>
      resolveLambdaTarget('t', { ...lambdaTarget, resourceArns: [arn('gone')] }, functions),
    ).toThrow(TargetResolutionError);
    expect(() =>
      resolveLambdaTarget(
        't',
        { ...lambdaTarget, filters: [{ path: 'Runtime', values: ['nodejs22.x'] }] },
        functions,
      ),
    ).toThrow(/filters/);
    expect(() =>
      resolveLambdaTarget('t', { ...lambdaTarget, resourceType: 'aws:ec2:instance' }, functions),
    ).toThrow(/aws:ec2:instance/);
  });
});

describe('selection modes', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);

  it('ALL takes every one; COUNT(n) takes n distinct ones, or all when there are fewer', () => {
    expect(select(items, 'ALL')).toEqual(items);
    const three = select(items, 'COUNT(3)', seeded(1));
    expect(new Set(three).size).toBe(3);
    expect(three.every((i) => items.includes(i))).toBe(true);
    expect(select([1, 2], 'COUNT(5)').sort()).toEqual([1, 2]);
  });

  it('PERCENT(n) rounds up, so a positive percentage of a non-empty set takes at least one', () => {
    expect(select(items, 'PERCENT(50)')).toHaveLength(5);
    expect(select(items, 'PERCENT(25)')).toHaveLength(3);
    expect(select(items, 'PERCENT(1)')).toHaveLength(1);
    expect(select(items, 'PERCENT(100)')).toHaveLength(10);
    expect(select([], 'PERCENT(50)')).toEqual([]);
  });

  it('picks at random: each item about equally often', () => {
    const random = seeded(42);
    const counts = new Array(10).fill(0) as number[];
    for (let run = 0; run < 5_000; run++) for (const i of select(items, 'COUNT(2)', random)) counts[i]! += 1;
    // Each is picked with probability 0.2: ~1,000 of 5,000 runs.
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1_150);
  });

  it('refuses a mode FIS does not have', () => {
    expect(() => select(items, 'SOME')).toThrow(TargetResolutionError);
  });
});

describe('qualified versions', () => {
  it('is the version itself, or what an alias points at (both versions while it shifts)', () => {
    const aliases = new Map([['live', '3']]);
    expect(qualifiedVersions('$LATEST', aliases, new Map())).toEqual(new Set(['$LATEST']));
    expect(qualifiedVersions('2', aliases, new Map())).toEqual(new Set(['2']));
    expect(qualifiedVersions('live', aliases, new Map())).toEqual(new Set(['3']));
    expect(qualifiedVersions('live', aliases, new Map([['live', { '4': 0.1 }]]))).toEqual(
      new Set(['3', '4']),
    );
  });
});
