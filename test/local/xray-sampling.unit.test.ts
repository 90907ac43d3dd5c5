import { describe, expect, it } from 'vitest';
import { Sampler, samplingRulesOf } from '../../local/xray/sampling.js';

describe('X-Ray sampling, locally', () => {
  const rules = samplingRulesOf([
    { SamplingRule: { RuleName: 'app', Priority: 1000, FixedRate: 0.1, ReservoirSize: 1, ServiceName: '*' } },
  ]);

  it('takes the reservoir each second, then the fixed rate of the rest', () => {
    let now = 1_000_000;
    let draw = 0.5;
    const sampler = new Sampler(
      rules,
      () => draw,
      () => now,
    );
    expect(sampler.sample('fn')).toBe(true); // the reservoir
    expect(sampler.sample('fn')).toBe(false); // 0.5 is not under 10 %
    draw = 0.05;
    expect(sampler.sample('fn')).toBe(true); // under 10 %
    draw = 0.5;
    now += 1_000;
    expect(sampler.sample('fn')).toBe(true); // a new second, a new reservoir
  });

  it("uses X-Ray's default rule (1 a second, then 5 %) when the template has none", () => {
    const sampler = new Sampler(
      [],
      () => 0.06,
      () => 0,
    );
    expect(sampler.sample('fn')).toBe(true);
    expect(sampler.sample('fn')).toBe(false);
  });

  it('picks the matching rule with the lowest priority', () => {
    const sampler = new Sampler(
      [...rules, { name: 'orders', priority: 10, fixedRate: 1, reservoirSize: 0, serviceName: '*-Orders-*' }],
      () => 0.99,
      () => 0,
    );
    expect(sampler.sample('CommerceForge-dev-Orders-Commands')).toBe(true);
    expect(sampler.sample('CommerceForge-dev-Users-Commands')).toBe(true);
    expect(sampler.sample('CommerceForge-dev-Users-Commands')).toBe(false);
  });
});
