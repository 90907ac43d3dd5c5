import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { gte } from '../../../lib/constructs/bundling/semver.js';

// The semver the X-Ray SDK itself resolves: the implementation the stub stands in for.
const requireFromXRay = createRequire(createRequire(import.meta.url).resolve('aws-xray-sdk-core'));
const semver = requireFromXRay('semver') as { gte: (a: string, b: string) => boolean };

const versions = [
  '0.0.0',
  '1.0.0',
  'v1.0.0',
  ' 1.0.0 ',
  '1.0.1',
  '1.1.0',
  '1.10.0',
  '2.0.0',
  '2.7.14',
  '2.7.15',
  '2.7.15+build.7',
  '2.1692.0',
  '10.0.0',
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0-0',
  '1.0.0-x-y',
];

describe('the semver stub bundled in place of semver', () => {
  it('orders versions as semver.gte does', () => {
    for (const a of versions) {
      for (const b of versions) {
        expect(gte(a, b), `gte(${a}, ${b})`).toBe(semver.gte(a, b));
      }
    }
  });

  it('accepts the AWS SDK v2 versions the X-Ray SDK checks, and refuses older ones', () => {
    expect(gte('2.1692.0', '2.7.15')).toBe(true);
    expect(gte('2.7.14', '2.7.15')).toBe(false);
  });

  it.each(['', '1', '1.2', '01.2.3', '1.2.3-01', 'x.y.z', '1.2.3.4'])(
    'throws on %j as semver does',
    (bad) => {
      expect(() => semver.gte(bad, '1.0.0')).toThrow(TypeError);
      expect(() => gte(bad, '1.0.0')).toThrow(TypeError);
    },
  );
});
