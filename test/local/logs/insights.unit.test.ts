import { describe, expect, it } from 'vitest';
import { parseQuery, QueryParseError } from '../../../local/logs/insights-parse.js';
import { runQuery } from '../../../local/logs/insights-run.js';
import type { LogEvent } from '../../../local/logs/store.js';

const T0 = Date.UTC(2026, 11, 5, 0, 0, 0);
let sequence = 0;
const event = (at: number, message: string, logStreamName = 's1'): LogEvent => ({
  timestamp: T0 + at,
  ingestionTime: T0 + at,
  message,
  logStreamName,
  sequence: sequence++,
});
const json = (fields: Record<string, unknown>) => JSON.stringify(fields);

const inputs = [
  {
    logGroupName: 'orders',
    event: event(
      1,
      json({ level: 'INFO', service: 'orders', correlation_id: 'c1', message: 'placed', total: 10 }),
    ),
  },
  {
    logGroupName: 'payments',
    event: event(
      2,
      json({
        level: 'ERROR',
        service: 'payments',
        correlation_id: 'c1',
        message: 'outage',
        error: { name: 'ProviderUnavailableError' },
      }),
    ),
  },
  {
    logGroupName: 'payments',
    event: event(
      3,
      json({ level: 'INFO', service: 'payments', correlation_id: 'c2', message: 'charged', total: 30 }),
    ),
  },
  {
    logGroupName: 'orders',
    event: event(4, 'REPORT RequestId: r-1 Duration: 12.50 ms Memory Size: 256 MB Init Duration: 80.00 ms'),
  },
  { logGroupName: 'orders', event: event(5, 'REPORT RequestId: r-2 Duration: 7.50 ms Memory Size: 256 MB') },
];
const run = (query: string, limit?: number) => runQuery(parseQuery(query), inputs, '000000000000', limit);
const table = (query: string) =>
  run(query).rows.map((row) =>
    Object.fromEntries(row.filter((c) => c.field !== '@ptr').map((c) => [c.field, c.value])),
  );

describe('Logs Insights', () => {
  it('filters on JSON fields and shows the asked fields, oldest first when sorted so', () => {
    expect(
      table('fields @timestamp, service, message | filter correlation_id = "c1" | sort @timestamp asc'),
    ).toEqual([
      { '@timestamp': '2026-12-05 00:00:00.001', service: 'orders', message: 'placed' },
      { '@timestamp': '2026-12-05 00:00:00.002', service: 'payments', message: 'outage' },
    ]);
    const { recordsMatched, recordsScanned, rows } = run('filter correlation_id = "c1"');
    expect([recordsMatched, recordsScanned]).toEqual([2, 5]);
    expect(rows[0]!.map((c) => c.field)).toEqual(['@timestamp', '@message', '@logStream', '@log', '@ptr']);
  });

  it('combines and/or/not, like, in, != and functions', () => {
    const messages = (query: string) =>
      table(`fields message | ${query} | sort @timestamp asc`).map((r) => r.message);
    expect(messages('filter level = "ERROR" or total > 20')).toEqual(['outage', 'charged']);
    expect(messages('filter service = "payments" and not (message like /out/)')).toEqual(['charged']);
    expect(messages('filter message in ["placed", "charged"]')).toEqual(['placed', 'charged']);
    expect(messages('filter message not in ["placed", "charged"] and ispresent(message)')).toEqual([
      'outage',
    ]);
    expect(messages('filter error.name like "Unavailable"')).toEqual(['outage']);
    expect(messages('filter strcontains(message, "arg") and service != "orders"')).toEqual(['charged']);
  });

  it('aggregates with stats ... by, sort and limit', () => {
    expect(
      table(
        'filter ispresent(service) | stats count(*) as lines, sum(total) as total by service | sort lines desc',
      ),
    ).toEqual([
      { service: 'payments', lines: '2', total: '30' },
      { service: 'orders', lines: '1', total: '10' },
    ]);
    expect(
      table(
        'filter @type = "REPORT" | stats avg(@duration) as avg, max(@duration), pct(@duration, 50) as p50, count_distinct(@requestId)',
      ),
    ).toEqual([{ avg: '10', 'max(@duration)': '12.5', p50: '7.5', 'count_distinct(@requestId)': '2' }]);
    expect(run('fields @message | limit 2').rows).toHaveLength(2);
    expect(run('fields @message', 1).rows).toHaveLength(1);
  });

  it('parses fields out of messages with a glob or a regex', () => {
    expect(
      table(
        'filter @type = "REPORT" | parse @message "RequestId: * Duration: * ms*" as id, ms, rest | fields id, ms | sort ms asc',
      ),
    ).toEqual([
      { id: 'r-2', ms: '7.50' },
      { id: 'r-1', ms: '12.50' },
    ]);
    expect(
      table('parse @message /Init Duration: (?<init>[\\d.]+)/ | filter ispresent(init) | fields init'),
    ).toEqual([{ init: '80.00' }]);
  });

  it('refuses what it does not understand with MalformedQueryException', () => {
    for (const query of [
      '',
      'select *',
      'filter (a = 1',
      'stats median(x)',
      'limit 0',
      'fields a | | fields b',
      'parse @message "a * b" as x, y',
    ])
      expect(() => parseQuery(query), query).toThrow(QueryParseError);
  });
});
