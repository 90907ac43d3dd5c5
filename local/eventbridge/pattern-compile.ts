import { expandPatternKeys } from './dotted-keys.js';
import { ipInRange, parseCidr, parseIp, sameIp } from './ip.js';
import {
  comparable,
  compileAnythingBut,
  compileNumeric,
  compileWildcardOrFail,
  fail,
  isPlainObject,
  type LeafValue,
  withReason,
} from './pattern-operators.js';

/**
 * Compiles an event pattern into matchers, refusing what AWS refuses. The checks and their messages follow
 * aws/event-ruler's JsonRuleCompiler, the engine behind EventBridge, so that a bad pattern fails locally with the
 * reason `cdk deploy` would print.
 */

export type ValueMatcher =
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'value'; readonly test: (value: LeafValue) => boolean };

export interface CompiledObject {
  readonly fields: readonly CompiledField[];
  /** Each `$or` in this object: a list of branches, one of which must match. */
  readonly ors: readonly (readonly CompiledObject[])[];
}

export type CompiledField =
  | { readonly name: string; readonly leaf: readonly ValueMatcher[] }
  | { readonly name: string; readonly nested: CompiledObject };

const OR = '$or';
const RESERVED_IN_OR = new Set([
  'exactly',
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'equals-ignore-case',
  'wildcard',
]);

export function compileObject(written: Record<string, unknown>, insideOr = false): CompiledObject {
  // `"state.status"` is the field `state` → `status`, as event-ruler names fields.
  const obj = expandPatternKeys(written);
  const keys = Object.keys(obj);
  if (keys.length === 0) fail('Empty objects are not allowed');
  const fields: CompiledField[] = [];
  const ors: CompiledObject[][] = [];
  for (const name of keys) {
    const value = obj[name];
    if (name === OR) {
      ors.push(compileOr(value));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(name)) {
      fail(`${name} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    }
    if (isPlainObject(value)) fields.push({ name, nested: compileObject(value, insideOr) });
    else if (Array.isArray(value)) fields.push({ name, leaf: compileLeaf(value) });
    else fail(`"${name}" must be an object or an array`);
  }
  return { fields, ors };
}

function compileOr(value: unknown): CompiledObject[] {
  if (!Array.isArray(value)) return fail(`It must be an Array followed with ${OR}.`);
  const branches = value.map((branch) =>
    isPlainObject(branch)
      ? compileObject(branch, true)
      : fail(`Only JSON object is allowed in array of ${OR} relationship.`),
  );
  if (branches.length < 2) fail(`There must have at least 2 Objects in ${OR} relationship.`);
  return branches;
}

function compileLeaf(values: readonly unknown[]): ValueMatcher[] {
  const matchers = values.map((value): ValueMatcher => {
    if (isPlainObject(value)) return compileExpression(value);
    if (typeof value === 'string') return test(exactString(value, true));
    if (typeof value === 'number') return test(exactNumber(value));
    if (typeof value === 'boolean' || value === null) return test((v) => v === value);
    return fail('Match value must be String, number, true, false, or null');
  });
  if (matchers.length === 0) fail('Empty arrays are not allowed');
  return matchers;
}

const test = (fn: (value: LeafValue) => boolean): ValueMatcher => ({ kind: 'value', test: fn });

function exactString(expected: string, ipAware: boolean): (v: LeafValue) => boolean {
  // A string that is an IP address matches the same address however it is written, as in event-ruler.
  const ip = ipAware ? parseIp(expected) : undefined;
  if (ip) {
    return (v) => {
      if (typeof v !== 'string') return false;
      const other = parseIp(v);
      return v === expected || (other !== undefined && sameIp(ip, other));
    };
  }
  return (v) => v === expected;
}

function exactNumber(expected: number): (v: LeafValue) => boolean {
  const key = comparable(expected);
  return (v) => typeof v === 'number' && (v === expected || (key !== undefined && comparable(v) === key));
}

const lower = (s: string) => s.toLowerCase();

function compileExpression(expr: Record<string, unknown>): ValueMatcher {
  const keys = Object.keys(expr);
  const name = keys[0] ?? fail('Match expression name not found');
  const value = expr[name];
  const oneKey = (
    matcher: ValueMatcher,
    message = 'Only one key allowed in match expression',
  ): ValueMatcher => (keys.length > 1 ? fail(message) : matcher);
  switch (name) {
    case 'exactly': {
      if (typeof value !== 'string') return fail('exact match pattern must be a string');
      return oneKey(test(exactString(value, false)));
    }
    case 'prefix':
    case 'suffix': {
      const [text, ignoreCase] = affix(name, value);
      const matches = name === 'prefix' ? (s: string) => s.startsWith(text) : (s: string) => s.endsWith(text);
      const folded = lower(text);
      const matchesFolded =
        name === 'prefix'
          ? (s: string) => lower(s).startsWith(folded)
          : (s: string) => lower(s).endsWith(folded);
      return oneKey(test((v) => typeof v === 'string' && (ignoreCase ? matchesFolded(v) : matches(v))));
    }
    case 'equals-ignore-case': {
      if (typeof value !== 'string') return fail('equals-ignore-case match pattern must be a string');
      const folded = lower(value);
      return oneKey(test((v) => typeof v === 'string' && lower(v) === folded));
    }
    case 'wildcard': {
      if (typeof value !== 'string') return fail('wildcard match pattern must be a string');
      const regex = compileWildcardOrFail(value);
      return oneKey(test((v) => typeof v === 'string' && regex.test(v)));
    }
    case 'numeric': {
      if (!Array.isArray(value)) return fail('Value of numeric must be an array.');
      return oneKey(test(compileNumeric(value)), 'Too many elements in numeric expression');
    }
    case 'anything-but': {
      const excluded = compileAnythingBut(value);
      return oneKey(
        test((v) => !excluded(v)),
        'Too many elements in numeric expression',
      );
    }
    case 'exists': {
      if (typeof value !== 'boolean') return fail('exists match pattern must be either true or false.');
      return oneKey({ kind: 'exists', exists: value });
    }
    case 'cidr': {
      // "prefix" in this message is event-ruler's own wording, kept so the reason reads as AWS's does.
      if (typeof value !== 'string') return fail('prefix match pattern must be a string');
      const range = withReason(() => parseCidr(value));
      return oneKey(test((v) => typeof v === 'string' && ipInRange(range, v)));
    }
    default:
      return fail(`Unrecognized match type ${name}`);
  }
}

/** `prefix`/`suffix` take a string or `{"equals-ignore-case": string}`. */
function affix(name: 'prefix' | 'suffix', value: unknown): [string, boolean] {
  if (typeof value === 'string') return [value, false];
  const Name = name === 'prefix' ? 'Prefix' : 'Suffix';
  if (!isPlainObject(value)) return fail(`${name} match pattern must be a string`);
  const keys = Object.keys(value);
  const op = keys[0] ?? fail(`${Name} expression name not found`);
  if (op !== 'equals-ignore-case') fail(`Unsupported ${name} pattern: ${op}`);
  const text = value[op];
  if (typeof text !== 'string') fail('equals-ignore-case match pattern must be a string');
  if (keys.length > 1) fail('Only one key allowed in match expression');
  return [text as string, true];
}
