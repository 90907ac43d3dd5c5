/**
 * What a `ServiceFunction` bundle gets when something in it requires `semver`: `gte` alone, in place of the
 * whole package (~29 KB of every minified bundle).
 *
 * Why: Powertools Tracer imports aws-xray-sdk-core, whose CommonJS entry point eagerly requires its AWS SDK v2
 * patcher (`captureAWS`), which requires all of `semver` for one call, `semver.gte(AWS.VERSION, '2.7.15')`.
 * A CommonJS require cannot be tree-shaken, so the whole package came along although CommerceForge only uses
 * SDK v3 (`captureAWSv3Client`). `gte` here has semver's semantics for the versions it is given (strict
 * SemVer 2.0.0, prereleases ordered as the spec says; an invalid version throws), so `captureAWS` still works.
 * `test/constructs/bundling/semver.unit.test.ts` checks it against the real `semver`, and
 * `test/constructs/service-function-bundles.unit.test.ts` that the X-Ray SDK's patcher is the only thing in a
 * bundle that imports it.
 */

// semver's strict grammar: no leading zeros in numbers, an optional `v`, build metadata ignored.
const NUMBER = '(0|[1-9]\\d*)';
const PRERELEASE_ID = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][a-zA-Z0-9-]*)';
const VERSION = new RegExp(
  `^v?${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);

interface Parsed {
  readonly release: readonly number[];
  readonly prerelease: readonly string[];
}

function parse(version: string): Parsed {
  const match = typeof version === 'string' ? VERSION.exec(version.trim()) : null;
  if (!match) throw new TypeError(`Invalid Version: ${String(version)}`);
  return {
    release: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] ? match[4].split('.') : [],
  };
}

const numeric = (id: string) => /^\d+$/.test(id);

/** SemVer 2.0.0 §11: numeric identifiers compare as numbers and sort before alphanumeric ones. */
function compareIdentifiers(a: string, b: string): number {
  if (numeric(a) && numeric(b)) return Math.sign(Number(a) - Number(b));
  if (numeric(a)) return -1;
  if (numeric(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(a: Parsed, b: Parsed): number {
  for (let i = 0; i < 3; i++) {
    const diff = Math.sign((a.release[i] ?? 0) - (b.release[i] ?? 0));
    if (diff !== 0) return diff;
  }
  // A release sorts after its prereleases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const diff = compareIdentifiers(x, y);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** `semver.gte(a, b)`: is version `a` at least version `b`? */
export function gte(a: string, b: string): boolean {
  return compare(parse(a), parse(b)) >= 0;
}
