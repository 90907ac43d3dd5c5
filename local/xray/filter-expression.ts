/**
 * X-Ray filter expressions, a subset, compiled once to a predicate over a trace: `annotation.key = "value"`
 * (also `!=`, numbers and booleans), `service("name")`, `error`, `fault`, `throttle`, `ok`, `duration` and
 * `responsetime` compared with `= != < <= > >=` (seconds), combined with `AND`/`&&`, `OR`/`||`, `!`/`NOT` and
 * parentheses. Anything else is refused (InvalidRequestException) rather than matched wrongly.
 * Hand-written: no package parses X-Ray's filter language.
 */
import { AwsError } from '../core/aws-service.js';

export interface TraceFacts {
  readonly annotations: ReadonlyMap<string, ReadonlySet<string | number | boolean>>;
  readonly services: ReadonlySet<string>;
  readonly hasError: boolean;
  readonly hasFault: boolean;
  readonly hasThrottle: boolean;
  /** Seconds. */
  readonly duration: number;
  readonly responseTime: number;
}

export type TracePredicate = (trace: TraceFacts) => boolean;

export const invalidFilter = (expression: string, why: string) =>
  new AwsError('InvalidRequestException', `Invalid filter expression "${expression}": ${why}`);

export function compileFilterExpression(expression: string | undefined): TracePredicate {
  const text = (expression ?? '').trim();
  if (text === '') return () => true;
  if (text.length > 2000) throw invalidFilter(text.slice(0, 40), 'too long');
  const tokens =
    text.match(/"(?:[^"\\]|\\.)*"|&&|\|\||!=|<=|>=|[=<>()!]|[A-Za-z_][\w.:-]*|-?\d+(?:\.\d+)?/g) ?? [];
  if (tokens.join('').length !== text.replace(/\s+/g, '').length)
    throw invalidFilter(text, 'unreadable characters');
  let at = 0;
  const fail = (why: string): never => {
    throw invalidFilter(text, why);
  };
  const isWord = (word: string) => tokens[at]?.toUpperCase() === word;
  const or = (): TracePredicate => {
    let left = and();
    while (isWord('OR') || tokens[at] === '||') {
      at += 1;
      const [a, b] = [left, and()];
      left = (t) => a(t) || b(t);
    }
    return left;
  };
  const and = (): TracePredicate => {
    let left = not();
    while (isWord('AND') || tokens[at] === '&&') {
      at += 1;
      const [a, b] = [left, not()];
      left = (t) => a(t) && b(t);
    }
    return left;
  };
  const not = (): TracePredicate => {
    if (isWord('NOT') || tokens[at] === '!') {
      at += 1;
      const inner = not();
      return (t) => !inner(t);
    }
    return primary();
  };
  const literal = (): string | number | boolean => {
    const token = tokens[at++] ?? fail('a comparison without a value');
    if (token.startsWith('"')) return token.slice(1, -1).replace(/\\(.)/g, '$1');
    if (token === 'true' || token === 'false') return token === 'true';
    const number = Number(token);
    return Number.isFinite(number) ? number : fail(`"${token}" is not a value`);
  };
  const operator = (): string => {
    const op = tokens[at++];
    return op && ['=', '!=', '<', '<=', '>', '>='].includes(op)
      ? op
      : fail(`"${op ?? ''}" is not an operator`);
  };
  const primary = (): TracePredicate => {
    const token = tokens[at++] ?? fail('it ends too soon');
    if (token === '(') {
      const inner = or();
      if (tokens[at++] !== ')') fail('a missing ")"');
      return inner;
    }
    const lower = token.toLowerCase();
    if (lower.startsWith('annotation.') || lower.startsWith('annotation[')) {
      const key = token.slice('annotation.'.length);
      if (key === '') fail('an annotation needs a key');
      const op = operator();
      if (op !== '=' && op !== '!=') fail('annotations compare with = or != locally');
      const value = literal();
      const has = (t: TraceFacts) => t.annotations.get(key)?.has(value) ?? false;
      return op === '=' ? has : (t) => t.annotations.has(key) && !has(t);
    }
    if (lower === 'service') {
      if (tokens[at++] !== '(') fail('service takes ("name")');
      const name = tokens[at] === ')' ? undefined : literal();
      if (tokens[at++] !== ')') fail('a missing ")"');
      return (t) => (name === undefined ? t.services.size > 0 : t.services.has(String(name)));
    }
    if (lower === 'error') return (t) => t.hasError;
    if (lower === 'fault') return (t) => t.hasFault;
    if (lower === 'throttle') return (t) => t.hasThrottle;
    if (lower === 'ok') return (t) => !t.hasError && !t.hasFault && !t.hasThrottle;
    if (lower === 'duration' || lower === 'responsetime') {
      const op = operator();
      const value = literal();
      if (typeof value !== 'number') fail(`${lower} compares with a number of seconds`);
      const read = (t: TraceFacts) => (lower === 'duration' ? t.duration : t.responseTime);
      return (t) => compare(read(t), op, value as number);
    }
    return fail(`"${token}" is not a keyword the local X-Ray filters on`);
  };
  const predicate = or();
  if (at < tokens.length) fail(`unexpected "${tokens[at]}"`);
  return predicate;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}
