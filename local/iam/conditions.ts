/**
 * IAM condition operators: `{ "<Operator>": { "<key>": value | [values] } }`. Every operator and every key must
 * match (AND); a key's values match if any does (OR). Keys are case-insensitive. A key missing from the request
 * makes a positive operator false and a negated one (`StringNotEquals`, `ArnNotEquals`...) true, as IAM does;
 * `...IfExists` makes a missing key true; `Null` tests presence. `ForAnyValue:`/`ForAllValues:` compare sets.
 */
import { LocalCloudError } from '../core/errors.js';

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

type Compare = (actual: string, expected: string) => boolean;

const like = (actual: string, pattern: string, ignoreCase = false) => {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'is' : 's').test(actual);
};
const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** Positive operators; `negated` ones are their complement over a present key. */
const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
  StringEquals: { compare: (a, e) => a === e, negated: false },
  StringNotEquals: { compare: (a, e) => a === e, negated: true },
  StringEqualsIgnoreCase: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: true },
  StringLike: { compare: (a, e) => like(a, e), negated: false },
  StringNotLike: { compare: (a, e) => like(a, e), negated: true },
  // ArnEquals and ArnLike both take wildcards in IAM.
  ArnEquals: { compare: (a, e) => like(a, e), negated: false },
  ArnLike: { compare: (a, e) => like(a, e), negated: false },
  ArnNotEquals: { compare: (a, e) => like(a, e), negated: true },
  ArnNotLike: { compare: (a, e) => like(a, e), negated: true },
  Bool: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  NumericEquals: { compare: (a, e) => number(a) === number(e), negated: false },
  NumericNotEquals: { compare: (a, e) => number(a) === number(e), negated: true },
  NumericLessThan: { compare: (a, e) => number(a) < number(e), negated: false },
  NumericLessThanEquals: { compare: (a, e) => number(a) <= number(e), negated: false },
  NumericGreaterThan: { compare: (a, e) => number(a) > number(e), negated: false },
  NumericGreaterThanEquals: { compare: (a, e) => number(a) >= number(e), negated: false },
};

interface ParsedOperator {
  readonly set?: 'ForAnyValue' | 'ForAllValues';
  readonly name: string;
  readonly ifExists: boolean;
}

function parseOperator(operator: string): ParsedOperator | undefined {
  let rest = operator;
  let set: ParsedOperator['set'];
  for (const prefix of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${prefix}:`)) {
      set = prefix;
      rest = rest.slice(prefix.length + 1);
    }
  }
  const ifExists = rest.endsWith('IfExists');
  const name = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (name !== 'Null' && !(name in OPERATORS)) return undefined;
  return { ...(set && { set }), name, ifExists };
}

/** Throws for an operator this module does not know: better to refuse to start than to skip a Deny's condition. */
export function validateConditions(block: ConditionBlock | undefined, where: string): void {
  for (const operator of Object.keys(block ?? {})) {
    if (!parseOperator(operator)) {
      throw new LocalCloudError(
        'IAM_POLICY_INVALID',
        `${where}: the condition operator ${operator} is not supported locally`,
      );
    }
  }
}

export function conditionsMatch(block: ConditionBlock | undefined, context: RequestContext): boolean {
  if (!block) return true;
  const lookup = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  return Object.entries(block).every(([operator, keys]) => {
    const parsed = parseOperator(operator);
    if (!parsed) return false;
    return Object.entries(keys).every(([key, expected]) =>
      keyMatches(parsed, lookup.get(key.toLowerCase()), values(expected)),
    );
  });
}

function keyMatches(
  operator: ParsedOperator,
  actual: string | readonly string[] | undefined,
  expected: readonly string[],
): boolean {
  const present = actual !== undefined && (typeof actual === 'string' || actual.length > 0);
  if (operator.name === 'Null') {
    // "Null": "true" asks for the key to be absent.
    return expected.some((value) => value.toLowerCase() === String(!present));
  }
  const { compare, negated } = OPERATORS[operator.name]!;
  if (!present) {
    if (operator.ifExists) return true;
    if (operator.set === 'ForAllValues') return true;
    return negated;
  }
  const actuals = typeof actual === 'string' ? [actual] : actual;
  const one = (value: string) => expected.some((e) => compare(value, e));
  if (operator.set === 'ForAllValues') {
    return actuals.every((value) => (negated ? !one(value) : one(value)));
  }
  // Single-valued keys and ForAnyValue: some actual value matches some expected value.
  return negated ? !actuals.some(one) : actuals.some(one);
}

function values(expected: unknown): readonly string[] {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.map((value) => String(value));
}
