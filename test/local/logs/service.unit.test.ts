import { describe, expect, it } from 'vitest';
import type { AwsError } from '../../../local/core/aws-service.js';
import { LogsService } from '../../../local/logs/service.js';
import { LogStore } from '../../../local/logs/store.js';

const T0 = Date.UTC(2026, 11, 5, 0, 0, 0);
const arnOf = (name: string) => `arn:aws:logs:us-east-1:000000000000:log-group:${name}`;

function logs(maxEventsPerGroup = 1_000) {
  const store = new LogStore(arnOf, maxEventsPerGroup);
  const service = new LogsService(
    store,
    [
      {
        queryDefinitionId: 'q-1',
        name: 'commerceforge/order-story',
        queryString: 'fields @message | filter correlation_id = "c1"',
        logGroupNames: ['/aws/lambda/orders'],
        lastModified: T0,
      },
    ],
    '000000000000',
    () => T0 + 10_000,
  );
  return {
    store,
    service,
    // biome-ignore lint/suspicious/noExplicitAny: the answers are read field by field, as a client would.
    call: (op: string, body: unknown) => service.handle(op, body) as Promise<any>,
  };
}

describe('the local CloudWatch Logs', () => {
  it('files lines in groups and streams, and reads them back with GetLogEvents, paging forward', async () => {
    const { store, call } = logs();
    for (let i = 0; i < 5; i++) store.append('/aws/lambda/orders', 'env-1', `line ${i}`, T0 + i);
    store.append('/aws/lambda/orders', 'env-2', 'other stream', T0 + 9);
    const groups = await call('DescribeLogGroups', { logGroupNamePrefix: '/aws/lambda/' });
    expect(groups.logGroups).toEqual([
      expect.objectContaining({
        logGroupName: '/aws/lambda/orders',
        logGroupArn: arnOf('/aws/lambda/orders'),
      }),
    ]);
    const streams = await call('DescribeLogStreams', {
      logGroupName: '/aws/lambda/orders',
      orderBy: 'LastEventTime',
      descending: true,
    });
    expect(streams.logStreams.map((s: { logStreamName: string }) => s.logStreamName)).toEqual([
      'env-2',
      'env-1',
    ]);

    const first = await call('GetLogEvents', {
      logGroupName: '/aws/lambda/orders',
      logStreamName: 'env-1',
      startFromHead: true,
      limit: 3,
    });
    expect(first.events.map((e: { message: string }) => e.message)).toEqual(['line 0', 'line 1', 'line 2']);
    const next = await call('GetLogEvents', {
      logGroupName: '/aws/lambda/orders',
      logStreamName: 'env-1',
      nextToken: first.nextForwardToken,
    });
    expect(next.events.map((e: { message: string }) => e.message)).toEqual(['line 3', 'line 4']);
    const end = await call('GetLogEvents', {
      logGroupName: '/aws/lambda/orders',
      logStreamName: 'env-1',
      nextToken: next.nextForwardToken,
    });
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(next.nextForwardToken);
  });

  it('FilterLogEvents matches a pattern across streams, by ARN too, and pages', async () => {
    const { store, call } = logs();
    for (let i = 0; i < 4; i++)
      store.append('g', `s${i % 2}`, JSON.stringify({ correlation_id: i < 3 ? 'c1' : 'c2', i }), T0 + i);
    const page = await call('FilterLogEvents', {
      logGroupIdentifier: `${arnOf('g')}:*`,
      filterPattern: '{ $.correlation_id = "c1" }',
      limit: 2,
    });
    expect(page.events.map((e: { message: string }) => JSON.parse(e.message).i)).toEqual([0, 1]);
    expect(page.events[1].logStreamName).toBe('s1');
    const rest = await call('FilterLogEvents', {
      logGroupName: 'g',
      filterPattern: '{ $.correlation_id = "c1" }',
      nextToken: page.nextToken,
    });
    expect(rest.events.map((e: { message: string }) => JSON.parse(e.message).i)).toEqual([2]);
    expect(rest.nextToken).toBeUndefined();
    const s0 = await call('FilterLogEvents', {
      logGroupName: 'g',
      logStreamNames: ['s0'],
      startTime: T0 + 1,
    });
    expect(s0.events.map((e: { message: string }) => JSON.parse(e.message).i)).toEqual([2]);
  });

  it('drops the oldest events beyond the cap of a group', () => {
    const { store } = logs(100);
    for (let i = 0; i < 1_000; i++) store.append('g', 's', `line ${i}`, T0 + i);
    const kept = store.events(store.groups.get('g')!);
    expect(kept).toHaveLength(100);
    expect(kept[0]!.message).toBe('line 900');
    expect(store.groups.get('g')!.events.length).toBeLessThanOrEqual(100 + 256);
  });

  it('runs Insights queries over several groups and serves the saved definitions', async () => {
    const { store, call } = logs();
    store.append(
      '/aws/lambda/orders',
      's',
      JSON.stringify({ correlation_id: 'c1', service: 'orders' }),
      T0 + 1,
    );
    store.append(
      '/aws/lambda/payments',
      's',
      JSON.stringify({ correlation_id: 'c1', service: 'payments' }),
      T0 + 2,
    );
    store.append(
      '/aws/lambda/payments',
      's',
      JSON.stringify({ correlation_id: 'c2', service: 'payments' }),
      T0 + 3,
    );
    const { queryId } = await call('StartQuery', {
      logGroupNames: ['/aws/lambda/orders', '/aws/lambda/payments'],
      startTime: T0 / 1000,
      endTime: T0 / 1000 + 60,
      queryString: 'filter correlation_id = "c1" | stats count(*) as n by service | sort service asc',
    });
    const results = await call('GetQueryResults', { queryId });
    expect(results.status).toBe('Complete');
    expect(results.results).toEqual([
      [
        { field: 'service', value: 'orders' },
        { field: 'n', value: '1' },
      ],
      [
        { field: 'service', value: 'payments' },
        { field: 'n', value: '1' },
      ],
    ]);
    expect(results.statistics).toMatchObject({ recordsScanned: 3 });
    expect(await call('StopQuery', { queryId })).toEqual({ success: false });
    const { queryDefinitions } = await call('DescribeQueryDefinitions', {
      queryDefinitionNamePrefix: 'commerceforge/',
    });
    expect(queryDefinitions).toEqual([
      expect.objectContaining({ name: 'commerceforge/order-story', logGroupNames: ['/aws/lambda/orders'] }),
    ]);
  });

  it('refuses bad requests with Logs’ errors and stores nothing', async () => {
    const { store, call } = logs();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: AwsError) => e.code,
      );
    expect(await code(call('FilterLogEvents', { logGroupName: 'missing' }))).toBe(
      'ResourceNotFoundException',
    );
    expect(await code(call('FilterLogEvents', {}))).toBe('InvalidParameterException');
    expect(await code(call('CreateLogGroup', { logGroupName: 'bad name!' }))).toBe(
      'InvalidParameterException',
    );
    store.group('g');
    expect(
      await code(
        call('StartQuery', { logGroupName: 'g', startTime: 0, endTime: 1, queryString: 'select *' }),
      ),
    ).toBe('MalformedQueryException');
    expect(await code(call('GetQueryResults', { queryId: 'nope' }))).toBe('ResourceNotFoundException');
    expect(
      await code(call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', nextToken: 'garbage' })),
    ).not.toBe('ok');
    await call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
    expect(
      await code(
        call('PutLogEvents', {
          logGroupName: 'g',
          logStreamName: 's',
          logEvents: [{ timestamp: 1, message: '' }],
        }),
      ),
    ).toBe('InvalidParameterException');
    expect(store.groups.get('g')!.events).toEqual([]);
    expect([...store.groups.keys()]).toEqual(['g']);
  });
});
