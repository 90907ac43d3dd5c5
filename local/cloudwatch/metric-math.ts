/**
 * The arithmetic part of CloudWatch metric math: query ids, numbers, `+ - * /`, comparisons
 * (`> < >= <= == !=`, 1 or 0), parentheses, unary minus, `IF(condition, then[, else])` and `FILL(series, value)`. Two series combine at the timestamps both have (a timestamp missing from one has no
 * result, as in CloudWatch); a division by zero has no result. Anything else (SEARCH, METRICS(), ANOMALY_...)
 * is refused with a clear error rather than answered wrongly. Hand-written: a dozen lines of grammar, where an
 * expression library would accept far more than CloudWatch does.
 */
import { invalidParameterValue } from './errors.js';

/** Timestamp (epoch ms) → value. */
export type Series = Map<number, number>;
type Value = Series | number;

const MAX_LENGTH = 1024;

export function evaluateExpression(expression: string, queries: ReadonlyMap<string, Series>): Series {
  if (expression.length > MAX_LENGTH) throw invalidParameterValue('The expression is too long.');
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const fail = (why: string): never => {
    throw invalidParameterValue(`Metric math expression "${expression}": ${why}.`);
  };
  const expect = (token: string) => {
    if (tokens[at] !== token) fail(`expected "${token}"`);
    at += 1;
  };
  /** A comparison gives 1 where it holds and 0 where not (CloudWatch's IF reads it so). */
  const comparison = (): Value => {
    const left = sum();
    const op = peek();
    if (op === undefined || !['>', '<', '>=', '<=', '==', '!='].includes(op)) return left;
    at += 1;
    return combine(left, sum(), op);
  };
  const sum = (): Value => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[at++]!;
      left = combine(left, product(), op);
    }
    return left;
  };
  const product = (): Value => {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[at++]!;
      left = combine(left, unary(), op);
    }
    return left;
  };
  const unary = (): Value => {
    if (peek() === '-') {
      at += 1;
      return combine(-1, unary(), '*');
    }
    return primary();
  };
  const primary = (): Value => {
    const token = tokens[at++];
    if (token === undefined) return fail('it ends too soon');
    if (token === '(') {
      const inner = comparison();
      expect(')');
      return inner;
    }
    if (/^\d/.test(token)) return Number(token);
    if (token.toUpperCase() === 'IF' && peek() === '(') {
      at += 1;
      const condition = comparison();
      expect(',');
      const then = comparison();
      let otherwise: Value | undefined;
      if (peek() === ',') {
        at += 1;
        otherwise = comparison();
      }
      expect(')');
      return choose(condition, then, otherwise);
    }
    if (token.toUpperCase() === 'FILL' && peek() === '(') {
      at += 1;
      const series = sum();
      expect(',');
      const fill = sum();
      expect(')');
      if (typeof series === 'number' || typeof fill !== 'number')
        return fail('FILL takes a series and a number');
      return fillGaps(series, fill, queries);
    }
    const series = queries.get(token);
    if (!series) return fail(`"${token}" is not the id of a query before it, nor a supported function`);
    return series;
  };
  const result = comparison();
  if (at < tokens.length) fail(`unexpected "${tokens[at]}"`);
  if (typeof result === 'number') fail('it must refer to at least one metric');
  return result as Series;
}

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|[-+*/(),<>])/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match)
      throw invalidParameterValue(`Metric math expression "${expression}": cannot read it at ${index}.`);
    tokens.push(match[1]!);
    index = pattern.lastIndex;
  }
  return tokens;
}

function combine(left: Value, right: Value, op: string): Value {
  const apply = (a: number, b: number): number | undefined => {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0 ? undefined : a / b;
      case '>':
        return Number(a > b);
      case '<':
        return Number(a < b);
      case '>=':
        return Number(a >= b);
      case '<=':
        return Number(a <= b);
      case '==':
        return Number(a === b);
      default:
        return Number(a !== b);
    }
  };
  if (typeof left === 'number' && typeof right === 'number') return apply(left, right) ?? Number.NaN;
  const result: Series = new Map();
  if (typeof left === 'number' || typeof right === 'number') {
    const series = (typeof left === 'number' ? right : left) as Series;
    for (const [t, v] of series) {
      const value = typeof left === 'number' ? apply(left, v) : apply(v, right as number);
      if (value !== undefined && Number.isFinite(value)) result.set(t, value);
    }
    return result;
  }
  for (const [t, a] of left) {
    const b = right.get(t);
    if (b === undefined) continue;
    const value = apply(a, b);
    if (value !== undefined && Number.isFinite(value)) result.set(t, value);
  }
  return result;
}

/** FILL: the timestamps any query of the request has, where this series has none, get `value`. */
function fillGaps(series: Series, value: number, queries: ReadonlyMap<string, Series>): Series {
  const result: Series = new Map(series);
  for (const other of queries.values())
    for (const t of other.keys()) if (!result.has(t)) result.set(t, value);
  return new Map([...result.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * IF(condition, then[, else]): where the condition is non-zero, `then`'s value; elsewhere `else`'s, or no value
 * without one. Scalars apply at every timestamp of the condition.
 */
function choose(condition: Value, then: Value, otherwise: Value | undefined): Series {
  const at = (value: Value | undefined, t: number) => (typeof value === 'number' ? value : value?.get(t));
  const result: Series = new Map();
  const timestamps =
    typeof condition === 'number' ? [...new Set([...keys(then), ...keys(otherwise)])] : [...condition.keys()];
  for (const t of timestamps) {
    const holds = typeof condition === 'number' ? condition : condition.get(t);
    const value = holds ? at(then, t) : at(otherwise, t);
    if (value !== undefined && Number.isFinite(value)) result.set(t, value);
  }
  return result;
}

function keys(value: Value | undefined): number[] {
  return value instanceof Map ? [...value.keys()] : [];
}
