import { describe, expect, it } from 'vitest';
import { DeliveryError, type EventBridgeConfig } from '../../../local/eventbridge/index.js';
import { ARN, entry, fnArn, makeService, queueArn } from '../../helpers/local-eventbridge.js';

const config: EventBridgeConfig = {
  eventBuses: [{ Name: 'commerce' }],
  rules: [
    {
      Name: 'order-placed',
      EventBusName: 'commerce',
      EventPattern: { source: ['commerceforge.orders'], 'detail-type': ['OrderPlaced'] },
      Targets: [
        { Id: 'saga', Arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:fulfilment' },
        {
          Id: 'notify',
          Arn: fnArn('notify'),
          InputTransformer: {
            InputPathsMap: { id: '$.detail.data.orderId' },
            InputTemplate: '{"orderId": <id>}',
          },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: queueArn('notify-dlq') },
        },
      ],
    },
    {
      Name: 'big-orders',
      EventBusName: `${ARN}:event-bus/commerce`,
      EventPattern: { detail: { data: { total: [{ numeric: ['>=', 100] }] } } },
      Targets: [{ Id: 'q', Arn: queueArn('big'), InputPath: '$.detail.data' }],
    },
    {
      Name: 'disabled',
      EventBusName: 'commerce',
      State: 'DISABLED',
      EventPattern: { source: [{ prefix: '' }] },
      Targets: [{ Id: 'x', Arn: fnArn('never') }],
    },
  ],
  archives: [{ ArchiveName: 'commerce-archive', SourceArn: `${ARN}:event-bus/commerce`, RetentionDays: 7 }],
};

describe('PutEvents', () => {
  it('accepts good entries, reports each bad one, and delivers asynchronously', async () => {
    const { call, bridge, dispatcher } = makeService(config);
    const response = (await call('PutEvents', {
      Entries: [
        entry(),
        entry({ Source: undefined }),
        entry({ DetailType: '' }),
        entry({ Detail: undefined }),
        entry({ Detail: '{"not json' }),
        entry({ Detail: '[1,2]' }),
        entry({ EventBusName: 'nope' }),
        entry({ Source: 'aws.ec2' }),
      ],
    })) as { FailedEntryCount: number; Entries: Record<string, string>[] };
    expect(response.FailedEntryCount).toBe(7);
    expect(response.Entries).toEqual([
      { EventId: 'event-1' },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    ]);
    expect(dispatcher.delivered).toHaveLength(0); // accepted, not yet delivered
    await bridge.whenIdle();
    expect(dispatcher.delivered.map((d) => d.target.id).sort()).toEqual(['notify', 'saga']);
  });

  it('builds the event as AWS does', async () => {
    const { call, bridge, dispatcher } = makeService(config);
    await call('PutEvents', {
      Entries: [entry({ Time: 1_700_000_000.5, Resources: ['arn:aws:x'], TraceHeader: 'Root=1-abc' })],
    });
    await bridge.whenIdle();
    const saga = dispatcher.delivered.find((d) => d.target.id === 'saga');
    expect(JSON.parse(saga?.input ?? '')).toEqual({
      version: '0',
      id: 'event-1',
      'detail-type': 'OrderPlaced',
      source: 'commerceforge.orders',
      account: '000000000000',
      time: '2023-11-14T22:13:20Z',
      region: 'us-east-1',
      resources: ['arn:aws:x'],
      detail: { type: 'OrderPlaced', data: { orderId: 'o-1', total: 42 } },
    });
    expect(saga?.target.kind).toBe('states');
    expect(saga?.meta).toMatchObject({
      ruleName: 'order-placed',
      eventBusName: 'commerce',
      attempt: 1,
      traceHeader: 'Root=1-abc',
    });
    expect(saga?.meta.ruleArn).toBe(`${ARN}:rule/commerce/order-placed`);
  });

  it('enforces 1–10 entries and 256 KB as AWS counts it', async () => {
    const { call } = makeService(config);
    await expect(call('PutEvents', { Entries: [] })).rejects.toMatchObject({ code: 'ValidationException' });
    await expect(call('PutEvents', { Entries: Array.from({ length: 11 }, () => entry()) })).rejects.toThrow(
      /less than or equal to 10/,
    );
    // Source + DetailType + Detail + 14 for Time: exactly 256 KiB is accepted, one byte more is not.
    const overhead = 'commerceforge.orders'.length + 'OrderPlaced'.length + 14 + '{"p":""}'.length;
    const detail = (n: number) => JSON.stringify({ p: 'x'.repeat(n) });
    const fits = await call('PutEvents', {
      Entries: [entry({ Time: 1, Detail: detail(256 * 1024 - overhead) })],
    });
    expect(fits).toMatchObject({ FailedEntryCount: 0 });
    await expect(
      call('PutEvents', { Entries: [entry({ Time: 1, Detail: detail(256 * 1024 - overhead + 1) })] }),
    ).rejects.toThrow(/over the limit/);
    const half = detail(130 * 1024);
    await expect(
      call('PutEvents', { Entries: [entry({ Detail: half }), entry({ Detail: half })] }),
    ).rejects.toThrow(/over the limit/);
  });

  it('routes to the matching, enabled rules only, with each target input', async () => {
    const { bridge, dispatcher } = makeService(config);
    bridge.putEvents([entry({ Detail: JSON.stringify({ data: { orderId: 'o-9', total: 250 } }) })]);
    bridge.putEvents([entry({ DetailType: 'OrderShipped', Detail: JSON.stringify({ data: { total: 5 } }) })]);
    await bridge.whenIdle();
    const byTarget = Object.fromEntries(dispatcher.delivered.map((d) => [d.target.id, d.input]));
    expect(byTarget).toEqual({
      saga: expect.any(String),
      notify: '{"orderId":"o-9"}',
      q: '{"orderId":"o-9","total":250}',
    });
    expect(bridge.events.map((e) => e.matchedRules)).toEqual([['order-placed', 'big-orders'], []]);
    expect(bridge.deliveries.every((d) => d.status === 'delivered')).toBe(true);
  });
});

describe('retry policy and dead-letter queue', () => {
  it('retries with backoff, then sends the event to the DLQ with AWS message attributes', async () => {
    const { bridge, dispatcher } = makeService(config);
    dispatcher.failing.set(fnArn('notify'), () => new Error('function is throttled'));
    bridge.putEvents([entry()]);
    await bridge.whenIdle();
    const notify = bridge.deliveries.filter((d) => d.targetId === 'notify');
    expect(notify.map((d) => d.status)).toEqual(['retrying', 'retrying', 'dead-lettered']);
    expect(dispatcher.deadLetters).toHaveLength(1);
    const [dead] = dispatcher.deadLetters;
    expect(dead?.queueArn).toBe(queueArn('notify-dlq'));
    expect(JSON.parse(dead?.body ?? '')).toMatchObject({ id: 'event-1', source: 'commerceforge.orders' });
    const attrs = Object.fromEntries(
      Object.entries(dead?.attributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    expect(attrs).toEqual({
      RULE_ARN: `${ARN}:rule/commerce/order-placed`,
      TARGET_ARN: fnArn('notify'),
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: 'function is throttled',
      RETRY_ATTEMPTS: '2',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
    });
  });

  it('succeeds on a retry', async () => {
    const { bridge, dispatcher } = makeService(config);
    dispatcher.failing.set(fnArn('notify'), (attempt) => (attempt < 2 ? new Error('flaky') : undefined));
    bridge.putEvents([entry()]);
    await bridge.whenIdle();
    expect(
      bridge.deliveries.filter((d) => d.targetId === 'notify').map((d) => [d.status, d.attempts]),
    ).toEqual([
      ['retrying', 1],
      ['delivered', 2],
    ]);
    expect(dispatcher.deadLetters).toHaveLength(0);
  });

  it('gives up when the event grows older than MaximumEventAgeInSeconds', async () => {
    const aged: EventBridgeConfig = {
      rules: [
        {
          Name: 'r',
          EventPattern: { source: ['s'] },
          Targets: [
            {
              Id: 't',
              Arn: fnArn('f'),
              RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
              DeadLetterConfig: { Arn: queueArn('dlq') },
            },
          ],
        },
      ],
    };
    const { bridge, dispatcher } = makeService(aged);
    dispatcher.failing.set(fnArn('f'), () => new Error('down'));
    bridge.putEvents([{ Source: 's', DetailType: 'd', Detail: '{}' }]);
    await bridge.whenIdle();
    const last = bridge.deliveries.at(-1);
    expect(last).toMatchObject({
      status: 'dead-lettered',
      exhaustedRetryCondition: 'MaximumEventAgeInSeconds',
    });
    // Waits of 0.75, 1.5, 3, 6, 12 and 24 s (jitter 0.5 takes 3/4 of each step) add up to 47.25 s; after the
    // seventh failure the next wait, 48 s, would take the event past 60 s.
    expect(last?.attempts).toBe(7);
  });

  it('sends a failure that retrying cannot fix to the DLQ at once, without an exhausted condition', async () => {
    const { bridge, dispatcher } = makeService(config);
    dispatcher.failing.set(
      fnArn('notify'),
      () => new DeliveryError('NO_RESOURCE', 'Function not found', false),
    );
    bridge.putEvents([entry()]);
    await bridge.whenIdle();
    const attributes = dispatcher.deadLetters[0]?.attributes ?? {};
    expect(attributes.ERROR_CODE?.StringValue).toBe('NO_RESOURCE');
    expect(attributes.RETRY_ATTEMPTS?.StringValue).toBe('0');
    expect(attributes.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
  });

  it('drops the event when there is no DLQ', async () => {
    const { bridge, dispatcher } = makeService(config);
    dispatcher.failing.set(queueArn('big'), () => new DeliveryError('NO_PERMISSIONS', 'denied', false));
    bridge.putEvents([entry({ Detail: JSON.stringify({ data: { total: 500 } }) })]);
    await bridge.whenIdle();
    expect(bridge.deliveries.find((d) => d.targetId === 'q')).toMatchObject({
      status: 'dropped',
      errorCode: 'NO_PERMISSIONS',
    });
  });
});
