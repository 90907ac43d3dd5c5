/**
 * CloudWatch Logs filter patterns (FilterLogEvents), the common subset, compiled once to a predicate:
 * - terms: `ERROR timeout` (every term, case-sensitive), `"a quoted phrase"`, `?ERROR ?WARN` (any of them),
 *   `ERROR -healthcheck` (and not that);
 * - JSON: `{ $.level = "ERROR" }`, `{ $.a.b != "x" }`, `{ $.n >= 5 }`, `{ $.id = "abc*" }` (a trailing wildcard),
 *   `{ $.x EXISTS }`, `{ $.x NOT EXISTS }`, `{ $.x IS NULL }`, `{ $.ok IS TRUE }`, combined with `&&`, `||` and
 *   parentheses; a message that is not a JSON object never matches.
 * Space-delimited patterns (`[ip, user, ...]`) and regular-expression patterns (`%...%`) are refused with a
 * clear error. Hand-written: no package parses this syntax.
 */
import { AwsError } from '../core/aws-service.js';

export type MessagePredicate = (message: string) => boolean;

export class FilterPatternError extends AwsError {
  constructor(pattern: string, why: string) {
    super('InvalidParameterException', `Invalid filter pattern "${pattern}": ${why}`);
  }
}

const MAX_PATTERN = 1024;

export function compileFilterPattern(pattern: string | undefined): MessagePredicate {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.length > MAX_PATTERN)
    throw new FilterPatternError(text.slice(0, 40), 'longer than 1024 characters');
  if (text.startsWith('{')) return compileJson(text);
  if (text.startsWith('[') || text.startsWith('%'))
    throw new FilterPatternError(text, 'space-delimited and regular-expression patterns are not run locally');
  return compileTerms(text);
}

function compileTerms(pattern: string): MessagePredicate {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  const tokens = pattern.match(/[?-]?"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  for (const token of tokens) {
    const prefix = token[0] === '?' || token[0] === '-' ? token[0] : '';
    let term = token.slice(prefix.length);
    if (term.startsWith('"')) {
      if (term.length < 2 || !term.endsWith('"')) throw new FilterPatternError(pattern, 'an unclosed quote');
      term = term.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (term === '') continue;
    (prefix === '?' ? any : prefix === '-' ? none : all).push(term);
  }
  return (message) =>
    all.every((term) => message.includes(term)) &&
    (any.length === 0 || any.some((term) => message.includes(term))) &&
    !none.some((term) => message.includes(term));
}

type JsonPredicate = (root: unknown) => boolean;

function compileJson(pattern: string): MessagePredicate {
  if (!pattern.endsWith('}')) throw new FilterPatternError(pattern, 'a JSON pattern ends with "}"');
  const tokens = tokenize(pattern.slice(1, -1), pattern);
  let at = 0;
  const fail = (why: string): never => {
    throw new FilterPatternError(pattern, why);
  };
  const or = (): JsonPredicate => {
    let left = and();
    while (tokens[at] === '||') {
      at += 1;
      const a = left;
      const b = and();
      left = (root) => a(root) || b(root);
    }
    return left;
  };
  const and = (): JsonPredicate => {
    let left = term();
    while (tokens[at] === '&&') {
      at += 1;
      const a = left;
      const b = term();
      left = (root) => a(root) && b(root);
    }
    return left;
  };
  const term = (): JsonPredicate => {
    const token = tokens[at++];
    if (token === '(') {
      const inner = or();
      if (tokens[at++] !== ')') fail('a missing ")"');
      return inner;
    }
    if (!token?.startsWith('$')) return fail(`expected a selector such as $.field, not "${token ?? ''}"`);
    const path = selector(token, pattern);
    const op = tokens[at++]?.toUpperCase();
    if (op === 'EXISTS') return (root) => lookup(root, path) !== undefined;
    if (op === 'NOT' && tokens[at]?.toUpperCase() === 'EXISTS') {
      at += 1;
      return (root) => lookup(root, path) === undefined;
    }
    if (op === 'IS') {
      const what = tokens[at++]?.toUpperCase();
      if (what === 'NULL') return (root) => lookup(root, path) === null;
      if (what === 'TRUE' || what === 'FALSE') return (root) => lookup(root, path) === (what === 'TRUE');
      return fail('IS takes NULL, TRUE or FALSE');
    }
    if (!op || !['=', '!=', '<', '>', '<=', '>='].includes(op))
      return fail(`an unknown operator "${op ?? ''}"`);
    const operand = tokens[at++];
    if (operand === undefined) return fail('a comparison without a value');
    return comparison(path, op, operand, pattern);
  };
  const predicate = or();
  if (at !== tokens.length) fail(`unexpected "${tokens[at]}"`);
  return (message) => {
    if (message[0] !== '{') return false;
    let root: unknown;
    try {
      root = JSON.parse(message);
    } catch {
      return false;
    }
    return predicate(root);
  };
}

function tokenize(body: string, pattern: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|&&|\|\||!=|<=|>=|=|<|>|\(|\)|[^\s()=!<>&|"]+)/y;
  let index = 0;
  while (index < body.length) {
    if (body.slice(index).trim() === '') break;
    re.lastIndex = index;
    const match = re.exec(body);
    if (!match) throw new FilterPatternError(pattern, `cannot read it at "${body.slice(index, index + 10)}"`);
    tokens.push(match[1]!);
    index = re.lastIndex;
  }
  return tokens;
}

/** `$.a.b[0].c` → ['a', 'b', 0, 'c']. */
function selector(token: string, pattern: string): Array<string | number> {
  if (!/^\$(\.[A-Za-z0-9_@-]+|\[\d+\])+$/.test(token))
    throw new FilterPatternError(pattern, `an invalid selector "${token}"`);
  return [...token.matchAll(/\.([A-Za-z0-9_@-]+)|\[(\d+)\]/g)].map((m) =>
    m[1] !== undefined ? m[1] : Number(m[2]),
  );
}

function lookup(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function comparison(
  path: Array<string | number>,
  op: string,
  operand: string,
  pattern: string,
): JsonPredicate {
  if (operand.startsWith('"')) {
    if (op !== '=' && op !== '!=') throw new FilterPatternError(pattern, `${op} compares numbers only`);
    const text = operand.slice(1, -1).replace(/\\(.)/g, '$1');
    const wildcard = text.endsWith('*') ? text.slice(0, -1) : undefined;
    const equal = (value: unknown) =>
      typeof value === 'string' && (wildcard !== undefined ? value.startsWith(wildcard) : value === text);
    return op === '=' ? (root) => equal(lookup(root, path)) : (root) => !equal(lookup(root, path));
  }
  const number = Number(operand);
  if (!Number.isFinite(number)) {
    // An unquoted word is a string in CloudWatch's JSON patterns (`{ $.level = ERROR }`).
    return comparison(path, op, `"${operand}"`, pattern);
  }
  return (root) => {
    const value = lookup(root, path);
    if (typeof value !== 'number') return op === '!=';
    switch (op) {
      case '=':
        return value === number;
      case '!=':
        return value !== number;
      case '<':
        return value < number;
      case '>':
        return value > number;
      case '<=':
        return value <= number;
      default:
        return value >= number;
    }
  };
}
