/**
 * CloudWatch Logs Insights queries, the useful subset, parsed to a plan (insights-run.ts runs it):
 * `fields a, b` · `display a, b` · `filter <expr>` · `parse @message "x * y *" as a, b` or `parse f /(?<a>..)/` ·
 * `stats count(*), count(f), count_distinct(f), sum(f), avg(f), min(f), max(f), pct(f, 99) [as name], ...
 * [by f, bin(5m)]` · `sort f [asc|desc], ...` · `limit n` · `dedup f, ...`, joined by `|`; comments `#` to the end of
 * a line. Expressions: fields (`a.b`, `@message`, `` `odd name` ``), strings, numbers, `= != < > <= >=`,
 * `like "text"` or `like /regex/`, `not like`, `in [..]`, `not in [..]`, `and`, `or`, `not`, parentheses,
 * `ispresent(f)`, `isempty(f)`, `strcontains(f, "x")`, `tolower(f)`, `toupper(f)`. Anything else is refused
 * with the command that was not understood. Hand-written: no package parses Insights' language.
 */
import { AwsError } from '../core/aws-service.js';

export class QueryParseError extends AwsError {
  constructor(message: string) {
    super('MalformedQueryException', message);
  }
}

export type Expr =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: string | number }
  | { readonly kind: 'regex'; readonly regex: RegExp }
  | { readonly kind: 'list'; readonly items: readonly Expr[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr };

export interface Aggregation {
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly alias: string;
}

export type Command =
  | { readonly kind: 'fields' | 'display'; readonly fields: ReadonlyArray<{ expr: Expr; alias: string }> }
  | { readonly kind: 'filter'; readonly expr: Expr }
  | {
      readonly kind: 'parse';
      readonly source: string;
      readonly regex: RegExp;
      readonly names: readonly string[];
    }
  | {
      readonly kind: 'stats';
      readonly aggregations: readonly Aggregation[];
      readonly by: ReadonlyArray<{ expr: Expr; alias: string }>;
    }
  | { readonly kind: 'sort'; readonly keys: ReadonlyArray<{ field: string; descending: boolean }> }
  | { readonly kind: 'limit'; readonly count: number }
  | { readonly kind: 'dedup'; readonly fields: readonly string[] };

const AGGREGATIONS = new Set(['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'pct']);
const FUNCTIONS = new Set(['ispresent', 'isempty', 'strcontains', 'tolower', 'toupper', 'bin']);
const MAX_QUERY = 10_000;

export function parseQuery(query: string): Command[] {
  if (query.length > MAX_QUERY) throw new QueryParseError('The query is longer than 10,000 characters.');
  const tokens = tokenize(query);
  const commands: Command[] = [];
  let at = 0;
  const peek = (offset = 0) => tokens[at + offset];
  const next = () => tokens[at++];
  const fail = (why: string): never => {
    throw new QueryParseError(`${why} (near "${tokens.slice(Math.max(0, at - 2), at + 2).join(' ')}")`);
  };
  const word = (expected: string) => peek()?.toLowerCase() === expected;
  const expect = (token: string) => {
    if (next() !== token) fail(`expected "${token}"`);
  };

  const primary = (): Expr => {
    const token = next();
    if (token === undefined) return fail('the query ends too soon');
    if (token === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (token === '[') {
      const items: Expr[] = [];
      while (peek() !== ']') {
        items.push(or());
        if (peek() === ',') at += 1;
        else if (peek() !== ']') fail('expected "," or "]"');
      }
      at += 1;
      return { kind: 'list', items };
    }
    if (token.startsWith('"') || token.startsWith("'")) return { kind: 'literal', value: unquote(token) };
    if (token.startsWith('/')) return { kind: 'regex', regex: regexOf(token, fail) };
    if (/^-?\d+(\.\d+)?$/.test(token)) return { kind: 'literal', value: Number(token) };
    if (peek() === '(' && FUNCTIONS.has(token.toLowerCase())) {
      at += 1;
      const args: Expr[] = [];
      while (peek() !== ')') {
        args.push(token.toLowerCase() === 'bin' && /^\d+[smhd]$/.test(peek() ?? '') ? binArg(next()!) : or());
        if (peek() === ',') at += 1;
        else if (peek() !== ')') fail('expected "," or ")"');
      }
      at += 1;
      return { kind: 'call', name: token.toLowerCase(), args };
    }
    if (!isField(token)) return fail(`"${token}" is not a field, value or supported function`);
    return { kind: 'field', name: fieldName(token) };
  };
  const comparison = (): Expr => {
    const left = primary();
    const op = peek()?.toLowerCase();
    if (op && ['=', '!=', '<', '>', '<=', '>=', 'like', 'in', '=~'].includes(op)) {
      at += 1;
      return { kind: 'binary', op: op === '=~' ? 'like' : op, left, right: primary() };
    }
    if (op === 'not' && ['like', 'in'].includes(peek(1)?.toLowerCase() ?? '')) {
      at += 1;
      const inner = next()!.toLowerCase();
      return { kind: 'not', operand: { kind: 'binary', op: inner, left, right: primary() } };
    }
    return left;
  };
  const not = (): Expr => {
    if (word('not') || peek() === '!') {
      at += 1;
      return { kind: 'not', operand: not() };
    }
    return comparison();
  };
  const and = (): Expr => {
    let left = not();
    while (word('and') || peek() === '&&') {
      at += 1;
      left = { kind: 'binary', op: 'and', left, right: not() };
    }
    return left;
  };
  function or(): Expr {
    let left = and();
    while (word('or') || peek() === '||') {
      at += 1;
      left = { kind: 'binary', op: 'or', left, right: and() };
    }
    return left;
  }
  const aliased = (): { expr: Expr; alias: string } => {
    const start = at;
    const expr = or();
    const text = tokens.slice(start, at).join('');
    if (word('as')) {
      at += 1;
      return { expr, alias: fieldName(next() ?? fail('a name after "as"')) };
    }
    return { expr, alias: expr.kind === 'field' ? expr.name : text };
  };
  const list = <T>(item: () => T): T[] => {
    const items = [item()];
    while (peek() === ',') {
      at += 1;
      items.push(item());
    }
    return items;
  };

  while (at < tokens.length) {
    const keyword = next()!.toLowerCase();
    switch (keyword) {
      case 'fields':
      case 'display':
        commands.push({ kind: keyword, fields: list(aliased) });
        break;
      case 'filter':
        commands.push({ kind: 'filter', expr: or() });
        break;
      case 'parse': {
        const source = isField(peek() ?? '') ? fieldName(next()!) : '@message';
        const pattern = next() ?? fail('parse needs a pattern');
        if (pattern.startsWith('/')) {
          const regex = regexOf(pattern, fail);
          const names = [...regex.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
          if (names.length === 0) fail('a parse regex needs named groups');
          commands.push({ kind: 'parse', source, regex, names });
        } else {
          if (!pattern.startsWith('"') && !pattern.startsWith("'"))
            fail('parse takes "glob * pattern" or /regex/');
          const glob = unquote(pattern);
          if (!word('as')) fail('a parse glob needs "as name, ..."');
          at += 1;
          const names = list(() => fieldName(next() ?? fail('a name')));
          const parts = glob.split('*');
          if (parts.length - 1 !== names.length) fail('the glob has not as many "*" as names');
          const source2 = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.*?)');
          commands.push({ kind: 'parse', source, regex: new RegExp(`${source2}$`, 's'), names });
          // A glob matches anywhere in the field, up to its end: the last group takes the rest.
        }
        break;
      }
      case 'stats': {
        const aggregations = list((): Aggregation => {
          const start = at;
          const fn = (next() ?? '').toLowerCase();
          if (!AGGREGATIONS.has(fn)) fail(`"${fn}" is not a supported stats function`);
          expect('(');
          const args: Expr[] = [];
          if (peek() === '*') {
            at += 1;
            if (fn !== 'count') fail('only count takes *');
          } else
            while (peek() !== ')') {
              args.push(or());
              if (peek() === ',') at += 1;
              else if (peek() !== ')') fail('expected "," or ")"');
            }
          expect(')');
          const text = tokens.slice(start, at).join('');
          let alias = text;
          if (word('as')) {
            at += 1;
            alias = fieldName(next() ?? fail('a name after "as"'));
          }
          if (fn === 'pct' && (args.length !== 2 || args[1]!.kind !== 'literal'))
            fail('pct takes a field and a number');
          if (fn !== 'count' && fn !== 'pct' && args.length !== 1) fail(`${fn} takes one field`);
          return { fn, args, alias };
        });
        let by: Array<{ expr: Expr; alias: string }> = [];
        if (word('by')) {
          at += 1;
          by = list(aliased);
        }
        commands.push({ kind: 'stats', aggregations, by });
        break;
      }
      case 'sort':
        commands.push({
          kind: 'sort',
          keys: list(() => {
            const field = fieldName(next() ?? fail('sort needs a field'));
            const direction = peek()?.toLowerCase();
            if (direction === 'asc' || direction === 'desc') at += 1;
            return { field, descending: direction !== 'asc' };
          }),
        });
        break;
      case 'limit': {
        const count = Number(next());
        if (!Number.isInteger(count) || count < 1 || count > 10_000) fail('limit takes 1 to 10000');
        commands.push({ kind: 'limit', count });
        break;
      }
      case 'dedup':
        commands.push({ kind: 'dedup', fields: list(() => fieldName(next() ?? fail('a field'))) });
        break;
      default:
        fail(`"${keyword}" is not a command the local Logs Insights runs`);
    }
    if (at < tokens.length) {
      if (tokens[at] !== '|') fail('expected "|" between commands');
      at += 1;
    }
  }
  if (commands.length === 0) throw new QueryParseError('The query is empty.');
  return commands;
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re =
    /\s*(?:#[^\n]*\n?\s*)*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\/(?:[^/\\\n]|\\.)+\/[a-z]*|!=|<=|>=|=~|&&|\|\||[=<>|(),[\]*!]|-?\d+(?:\.\d+)?[smhd]?\b|[@A-Za-z_$][\w.@$-]*)/y;
  let index = 0;
  while (index < query.length) {
    if (/^\s*(#[^\n]*)?\s*$/.test(query.slice(index))) break;
    re.lastIndex = index;
    const match = re.exec(query);
    if (!match)
      throw new QueryParseError(`Cannot read the query at "${query.slice(index, index + 20).trim()}".`);
    tokens.push(match[1]!);
    index = re.lastIndex;
  }
  return tokens;
}

function isField(token: string): boolean {
  return /^[@A-Za-z_$][\w.@$-]*$/.test(token) || /^`[^`]+`$/.test(token);
}

function fieldName(token: string): string {
  return token.startsWith('`') ? token.slice(1, -1) : token;
}

function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, '$1');
}

function regexOf(token: string, fail: (why: string) => never): RegExp {
  const end = token.lastIndexOf('/');
  const flags = token.slice(end + 1);
  if (!/^i?$/.test(flags)) fail(`regex flags "${flags}" are not supported`);
  try {
    return new RegExp(token.slice(1, end), flags);
  } catch (error) {
    return fail(`an invalid regex: ${String(error)}`);
  }
}

/** `bin(5m)`'s argument as milliseconds. */
function binArg(token: string): Expr {
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[token.at(-1) as 's' | 'm' | 'h' | 'd'];
  return { kind: 'literal', value: Number(token.slice(0, -1)) * unit };
}
