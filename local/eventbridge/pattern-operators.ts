import { compileWildcard } from './wildcard.js';

/** The operators with more to them than one comparison: numeric ranges and anything-but in its forms. */

export type LeafValue = string | number | boolean | null;

/** A reason AWS would give; the caller wraps it into an InvalidEventPatternException. */
export class PatternSyntaxError extends Error {
  override readonly name = 'PatternSyntaxError';
}

export const fail = (reason: string): never => {
  throw new PatternSyntaxError(reason);
};

/** event-ruler's ComparableNumber: numbers within ±5e9, compared to six decimal places. */
export const NUMBER_LIMIT = 5e9;
export function comparable(n: number): number | undefined {
  if (!Number.isFinite(n) || n < -NUMBER_LIMIT || n > NUMBER_LIMIT) return undefined;
  return Math.trunc(1e6 * (NUMBER_LIMIT + n));
}
function checkedComparable(n: number): number {
  return comparable(n) ?? fail('Value must be between -5.0E9 and 5.0E9, inclusive');
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function compileWildcardOrFail(pattern: string): RegExp {
  return withReason(() => compileWildcard(pattern));
}

export function withReason<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const lower = (s: string) => s.toLowerCase();

const describe = (v: unknown): string =>
  v === undefined ? ']' : typeof v === 'string' ? v : JSON.stringify(v);

export function compileNumeric(terms: readonly unknown[]): (v: LeafValue) => boolean {
  const [op, first, op2, second] = terms;
  if (typeof op !== 'string') return fail(`Invalid member in numeric match: ${describe(op)}`);
  const numberOr = (v: unknown, o: string): number =>
    typeof v === 'number'
      ? checkedComparable(v)
      : fail(`Value of ${o === '=' ? 'equals' : o} must be numeric`);
  const inRange = (lo: number | undefined, loOpen: boolean, hi: number | undefined, hiOpen: boolean) => {
    return (v: LeafValue) => {
      const n = typeof v === 'number' ? comparable(v) : undefined;
      if (n === undefined) return false;
      if (lo !== undefined && (loOpen ? n <= lo : n < lo)) return false;
      if (hi !== undefined && (hiOpen ? n >= hi : n > hi)) return false;
      return true;
    };
  };
  switch (op) {
    case '=': {
      const n = numberOr(first, op);
      if (terms.length > 2) fail('Too many elements in numeric expression');
      return inRange(n, false, n, false);
    }
    case '<':
    case '<=': {
      const n = numberOr(first, op);
      if (terms.length > 2) fail('Too many elements in numeric expression');
      return inRange(undefined, false, n, op === '<');
    }
    case '>':
    case '>=': {
      const bottom = numberOr(first, op);
      if (terms.length === 2) return inRange(bottom, op === '>', undefined, false);
      if (typeof op2 !== 'string') return fail(`Bad value in numeric range: ${describe(op2)}`);
      if (op2 !== '<' && op2 !== '<=') fail(`Bad numeric range operator: ${op2}`);
      const top = numberOr(second, op2);
      if (terms.length > 4) fail('Too many terms in numeric range expression');
      if (bottom >= top) fail('Bottom must be less than top');
      return inRange(bottom, op === '>', top, op2 === '<');
    }
    default:
      return fail(`Unrecognized numeric range operator: ${op}`);
  }
}

const ANYTHING_BUT_TYPE = 'Value of anything-but must be an array or single string/number value.';

/** Returns the predicate of the excluded values. */
export function compileAnythingBut(value: unknown): (v: LeafValue) => boolean {
  if (isPlainObject(value)) return compileAnythingButSet(value);
  if (!Array.isArray(value) && typeof value !== 'string' && typeof value !== 'number')
    fail(ANYTHING_BUT_TYPE);
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      fail(
        Array.isArray(value)
          ? 'Inside anything but list, start|null|boolean is not supported.'
          : 'Inside anything-but list, start|null|boolean is not supported.',
      );
    }
  }
  const strings = list.filter((v): v is string => typeof v === 'string');
  const numbers = list.filter((v): v is number => typeof v === 'number');
  if (strings.length > 0 === numbers.length > 0) {
    fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  const keys = new Set(numbers.map(checkedComparable));
  const texts = new Set(strings);
  return (v) =>
    typeof v === 'string' ? texts.has(v) : typeof v === 'number' && keys.has(comparable(v) ?? NaN);
}

function compileAnythingButSet(value: Record<string, unknown>): (v: LeafValue) => boolean {
  const keys = Object.keys(value);
  const op = keys[0] ?? fail('Anything-But expression name not found');
  if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(op)) {
    fail(`Unsupported anything-but pattern: ${op}`);
  }
  const inner = value[op];
  if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number')
    fail(ANYTHING_BUT_TYPE);
  const list = Array.isArray(inner) ? inner : [inner];
  const texts = list.map((item): string => {
    if (typeof item !== 'string') {
      if (op === 'equals-ignore-case') {
        fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
      }
      fail(
        op === 'wildcard'
          ? 'wildcard match pattern must be a string'
          : 'prefix/suffix match pattern must be a string',
      );
    }
    if ((op === 'prefix' || op === 'suffix') && item === '') fail('Null prefix/suffix not allowed');
    return item as string;
  });
  if (keys.length > 1) fail('Too many elements in numeric expression');
  const str = (fn: (s: string) => boolean) => (v: LeafValue) => typeof v === 'string' && fn(v);
  switch (op) {
    case 'equals-ignore-case': {
      const folded = new Set(texts.map(lower));
      return str((s) => folded.has(lower(s)));
    }
    case 'prefix':
      return str((s) => texts.some((t) => s.startsWith(t)));
    case 'suffix':
      return str((s) => texts.some((t) => s.endsWith(t)));
    default: {
      const regexes = texts.map(compileWildcardOrFail);
      return str((s) => regexes.some((r) => r.test(s)));
    }
  }
}
