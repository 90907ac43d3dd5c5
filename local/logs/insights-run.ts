/**
 * Runs a parsed Logs Insights query over log events. A record has Insights' system fields (`@timestamp`,
 * `@message`, `@logStream`, `@log`, `@ingestionTime`), the fields of a JSON message flattened with dots
 * (`a.b`, `items.0.sku`) as Insights discovers them, and for a Lambda `REPORT` line `@type`, `@requestId`,
 * `@duration`, `@initDuration`, `@memorySize`. Values answer as strings, as GetQueryResults gives them.
 */
import type { Aggregation, Command, Expr } from './insights-parse.js';
import type { LogEvent } from './store.js';

type Value = string | number | boolean | null | undefined;
export type LogRecord = Map<string, Value>;

export interface QueryInput {
  readonly logGroupName: string;
  readonly event: LogEvent;
}

export interface QueryOutput {
  readonly rows: Array<Array<{ field: string; value: string }>>;
  readonly recordsMatched: number;
  readonly recordsScanned: number;
  readonly bytesScanned: number;
}

const DEFAULT_LIMIT = 10_000;
const MAX_FLATTEN_DEPTH = 6;

export function runQuery(
  commands: readonly Command[],
  inputs: readonly QueryInput[],
  accountId: string,
  limit = DEFAULT_LIMIT,
): QueryOutput {
  let records: LogRecord[] = [];
  let bytesScanned = 0;
  for (const { logGroupName, event } of inputs) {
    bytesScanned += event.message.length;
    records.push(recordOf(event, logGroupName, accountId));
  }
  const recordsScanned = records.length;
  let output: string[] | undefined;
  let stats = false;
  let sorted = false;
  let cap = limit;
  for (const command of commands) {
    switch (command.kind) {
      case 'fields':
      case 'display':
        for (const record of records)
          for (const { expr, alias } of command.fields)
            if (expr.kind !== 'field' || alias !== expr.name) record.set(alias, evaluate(expr, record));
        output = command.fields.map((f) => f.alias);
        break;
      case 'filter':
        records = records.filter((record) => truthy(evaluate(command.expr, record)));
        break;
      case 'parse':
        for (const record of records) {
          const match = command.regex.exec(String(record.get(command.source) ?? ''));
          if (!match) continue;
          command.names.forEach((name, i) => {
            record.set(name, match.groups?.[name] ?? match[i + 1]);
          });
        }
        break;
      case 'stats':
        records = aggregate(records, command.aggregations, command.by);
        output = [...command.by.map((b) => b.alias), ...command.aggregations.map((a) => a.alias)];
        stats = true;
        break;
      case 'sort':
        records.sort((a, b) => {
          for (const key of command.keys) {
            const order = compare(a.get(key.field), b.get(key.field));
            if (order !== 0) return key.descending ? -order : order;
          }
          return 0;
        });
        sorted = true;
        break;
      case 'limit':
        cap = Math.min(cap, command.count);
        break;
      case 'dedup': {
        const seen = new Set<string>();
        records = records.filter((record) => {
          const key = JSON.stringify(command.fields.map((f) => record.get(f) ?? null));
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        break;
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  }
  // Without a sort, the newest first (what a console shows); stats keep their groups' order.
  if (!sorted && !stats) records.sort((a, b) => compare(b.get('@timestamp'), a.get('@timestamp')));
  const fields = output ?? ['@timestamp', '@message', '@logStream', '@log'];
  const rows = records.slice(0, cap).map((record) => {
    const row = fields
      .filter((field) => record.get(field) !== undefined && record.get(field) !== null)
      .map((field) => ({ field, value: show(field, record.get(field)) }));
    if (!stats) row.push({ field: '@ptr', value: String(record.get('@ptr')) });
    return row;
  });
  return { rows, recordsMatched: stats ? recordsScanned : records.length, recordsScanned, bytesScanned };
}

function recordOf(event: LogEvent, logGroupName: string, accountId: string): LogRecord {
  const record: LogRecord = new Map<string, Value>([
    ['@timestamp', event.timestamp],
    ['@message', event.message],
    ['@logStream', event.logStreamName],
    ['@log', `${accountId}:${logGroupName}`],
    ['@ingestionTime', event.ingestionTime],
    ['@ptr', Buffer.from(`${logGroupName}\n${event.sequence}`).toString('base64url')],
  ]);
  const message = event.message;
  if (message[0] === '{') {
    try {
      flatten(JSON.parse(message), '', record, 0);
    } catch {
      // Not JSON after all: only the system fields.
    }
  } else if (message.startsWith('REPORT RequestId: ')) {
    record.set('@type', 'REPORT');
    const grab = (label: string) => new RegExp(`${label}: ([^ ]+)`).exec(message)?.[1];
    record.set('@requestId', grab('RequestId'));
    for (const [field, label] of [
      ['@duration', 'Duration'],
      ['@initDuration', 'Init Duration'],
      ['@memorySize', 'Memory Size'],
    ] as const) {
      const value = grab(label);
      if (value !== undefined) record.set(field, Number(value));
    }
  }
  return record;
}

function flatten(value: unknown, prefix: string, record: LogRecord, depth: number): void {
  if (value !== null && typeof value === 'object' && depth < MAX_FLATTEN_DEPTH) {
    for (const [key, inner] of Object.entries(value))
      flatten(inner, prefix ? `${prefix}.${key}` : key, record, depth + 1);
    return;
  }
  if (prefix === '' || prefix.startsWith('@')) return;
  record.set(prefix, typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as Value));
}

function evaluate(expr: Expr, record: LogRecord): Value {
  switch (expr.kind) {
    case 'field':
      return record.get(expr.name);
    case 'literal':
      return expr.value;
    case 'regex':
    case 'list':
      return undefined;
    case 'not':
      return !truthy(evaluate(expr.operand, record));
    case 'call': {
      const [first, second] = expr.args.map((arg) => evaluate(arg, record));
      switch (expr.name) {
        case 'ispresent':
          return first !== undefined && first !== null;
        case 'isempty':
          return first === undefined || first === null || first === '';
        case 'strcontains':
          return first !== undefined && first !== null && String(first).includes(String(second ?? ''));
        case 'tolower':
          return first === undefined || first === null ? first : String(first).toLowerCase();
        case 'toupper':
          return first === undefined || first === null ? first : String(first).toUpperCase();
        case 'bin': {
          const size = Number(first);
          const at = Number(record.get('@timestamp'));
          return Number.isFinite(size) && size > 0 ? Math.floor(at / size) * size : undefined;
        }
        default:
          return undefined;
      }
    }
    case 'binary': {
      if (expr.op === 'and')
        return truthy(evaluate(expr.left, record)) && truthy(evaluate(expr.right, record));
      if (expr.op === 'or')
        return truthy(evaluate(expr.left, record)) || truthy(evaluate(expr.right, record));
      const left = evaluate(expr.left, record);
      if (expr.op === 'like') {
        if (left === undefined || left === null) return false;
        return expr.right.kind === 'regex'
          ? expr.right.regex.test(String(left))
          : String(left).includes(String(evaluate(expr.right, record) ?? ''));
      }
      if (expr.op === 'in') {
        if (expr.right.kind !== 'list') return false;
        return expr.right.items.some((item) => compare(left, evaluate(item, record)) === 0);
      }
      const right = evaluate(expr.right, record);
      if (left === undefined || left === null)
        return expr.op === '!=' && right !== undefined && right !== null;
      const order = compare(left, right);
      switch (expr.op) {
        case '=':
          return order === 0;
        case '!=':
          return order !== 0;
        case '<':
          return order < 0;
        case '>':
          return order > 0;
        case '<=':
          return order <= 0;
        default:
          return order >= 0;
      }
    }
    default: {
      const never: never = expr;
      throw new Error(`unknown expression ${JSON.stringify(never)}`);
    }
  }
}

function truthy(value: Value): boolean {
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

/** Numbers compare as numbers (a numeric string too, as Insights coerces), the rest as strings; missing last. */
function compare(a: Value, b: Value): number {
  const missingA = a === undefined || a === null;
  const missingB = b === undefined || b === null;
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  const x = typeof a === 'number' ? a : Number(a);
  const y = typeof b === 'number' ? b : Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function aggregate(
  records: readonly LogRecord[],
  aggregations: readonly Aggregation[],
  by: ReadonlyArray<{ expr: Expr; alias: string }>,
): LogRecord[] {
  const groups = new Map<string, { keys: Value[]; members: LogRecord[] }>();
  for (const record of records) {
    const keys = by.map((b) => evaluate(b.expr, record));
    const key = JSON.stringify(keys);
    let group = groups.get(key);
    if (!group) {
      group = { keys, members: [] };
      groups.set(key, group);
    }
    group.members.push(record);
  }
  if (by.length === 0 && groups.size === 0) groups.set('[]', { keys: [], members: [] });
  return [...groups.values()].map(({ keys, members }) => {
    const out: LogRecord = new Map();
    by.forEach((b, i) => {
      out.set(b.alias, keys[i]);
    });
    for (const aggregation of aggregations) out.set(aggregation.alias, statistic(aggregation, members));
    return out;
  });
}

function statistic({ fn, args }: Aggregation, members: readonly LogRecord[]): Value {
  if (fn === 'count' && args.length === 0) return members.length;
  const values = members
    .map((record) => evaluate(args[0]!, record))
    .filter((v) => v !== undefined && v !== null);
  if (fn === 'count') return values.length;
  if (fn === 'count_distinct') return new Set(values.map(String)).size;
  const numbers = values.map(Number).filter(Number.isFinite);
  if (numbers.length === 0) return undefined;
  switch (fn) {
    case 'sum':
      return numbers.reduce((n, v) => n + v, 0);
    case 'avg':
      return numbers.reduce((n, v) => n + v, 0) / numbers.length;
    case 'min':
      return Math.min(...numbers);
    case 'max':
      return Math.max(...numbers);
    default: {
      const p = Number((args[1] as { value: number }).value);
      numbers.sort((a, b) => a - b);
      return numbers[Math.min(numbers.length, Math.max(1, Math.ceil((p / 100) * numbers.length))) - 1];
    }
  }
}

/** Insights shows timestamps as `YYYY-MM-DD HH:MM:SS.mmm` (UTC). */
function show(field: string, value: Value): string {
  if (
    (field === '@timestamp' || field === '@ingestionTime' || field.startsWith('bin(')) &&
    typeof value === 'number'
  )
    return new Date(value).toISOString().replace('T', ' ').replace('Z', '');
  return String(value);
}
