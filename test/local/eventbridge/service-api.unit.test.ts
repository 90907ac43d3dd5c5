import { describe, expect, it } from 'vitest';
import { fromTemplateResources } from '../../../local/eventbridge/index.js';
import { ARN, entry, fnArn, makeService, queueArn } from '../../helpers/local-eventbridge.js';

// Resolved CloudFormation resources, as the core hands them over (intrinsics already resolved).
const resources = [
  { logicalId: 'Bus', type: 'AWS::Events::EventBus', properties: { Name: 'commerce' } },
  {
    logicalId: 'OrderPlacedRule',
    type: 'AWS::Events::Rule',
    physicalId: 'Orders-OrderPlacedRule-ABC',
    properties: {
      EventBusName: 'commerce',
      State: 'ENABLED',
      EventPattern: { source: ['commerceforge.orders'], 'detail-type': ['OrderPlaced'] },
      Targets: [{ Id: 'Target0', Arn: fnArn('onboard'), RetryPolicy: { MaximumRetryAttempts: 3 } }],
    },
  },
  {
    logicalId: 'Forward',
    type: 'AWS::Events::Rule',
    properties: {
      Name: 'forward-to-audit',
      EventBusName: `${ARN}:event-bus/commerce`,
      EventPattern: { source: [{ prefix: 'commerceforge.' }] },
      Targets: [{ Id: 'audit-bus', Arn: `${ARN}:event-bus/audit` }],
    },
  },
  {
    logicalId: 'AuditRule',
    type: 'AWS::Events::Rule',
    properties: {
      Name: 'audit-all',
      EventBusName: 'audit',
      EventPattern: { account: ['000000000000'] },
      Targets: [{ Id: 'q', Arn: queueArn('audit') }],
    },
  },
  {
    logicalId: 'Archive',
    type: 'AWS::Events::Archive',
    properties: {
      ArchiveName: 'commerce-archive',
      SourceArn: `${ARN}:event-bus/commerce`,
      EventPattern: { source: ['commerceforge.orders'] },
      RetentionDays: 30,
    },
  },
  { logicalId: 'Table', type: 'AWS::DynamoDB::Table', properties: {} },
];

describe('fromTemplateResources', () => {
  it('picks buses, rules (named by Name, else physical id, else logical id) and archives', () => {
    const config = fromTemplateResources(resources);
    expect(config.eventBuses).toEqual([{ Name: 'commerce', Description: undefined }]);
    expect(config.rules?.map((r) => r.Name)).toEqual([
      'Orders-OrderPlacedRule-ABC',
      'forward-to-audit',
      'audit-all',
    ]);
    expect(config.archives?.[0]).toMatchObject({ ArchiveName: 'commerce-archive', RetentionDays: 30 });
  });

  it('refuses a template rule with a bad pattern, as a deploy would', () => {
    const bad = [
      { logicalId: 'R', type: 'AWS::Events::Rule', properties: { EventPattern: { source: 'x' } } },
    ];
    expect(() => makeService(fromTemplateResources(bad))).toThrow(/"source" must be an object or an array/);
  });
});

describe('the API', () => {
  it('lists and describes buses, rules and targets', async () => {
    const { call } = makeService(fromTemplateResources(resources));
    expect(await call('ListEventBuses', {})).toMatchObject({
      EventBuses: [
        { Name: 'default' },
        { Name: 'commerce', Arn: `${ARN}:event-bus/commerce` },
        { Name: 'audit' },
      ],
    });
    expect(await call('DescribeEventBus', { Name: 'commerce' })).toMatchObject({
      Arn: `${ARN}:event-bus/commerce`,
    });
    await expect(call('DescribeEventBus', { Name: 'nope' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    const rules = (await call('ListRules', { EventBusName: 'commerce', NamePrefix: 'Orders-' })) as {
      Rules: unknown[];
    };
    expect(rules.Rules).toEqual([
      expect.objectContaining({
        Name: 'Orders-OrderPlacedRule-ABC',
        State: 'ENABLED',
        EventBusName: 'commerce',
      }),
    ]);
    const described = (await call('DescribeRule', {
      Name: 'forward-to-audit',
      EventBusName: 'commerce',
    })) as {
      EventPattern: string;
      Arn: string;
    };
    expect(JSON.parse(described.EventPattern)).toEqual({ source: [{ prefix: 'commerceforge.' }] });
    expect(described.Arn).toBe(`${ARN}:rule/commerce/forward-to-audit`);
    await expect(call('DescribeRule', { Name: 'forward-to-audit' })).rejects.toThrow(
      'Rule forward-to-audit does not exist on EventBus default.',
    );
    expect(
      await call('ListTargetsByRule', { Rule: 'Orders-OrderPlacedRule-ABC', EventBusName: 'commerce' }),
    ).toEqual({
      Targets: [{ Id: 'Target0', Arn: fnArn('onboard'), RetryPolicy: { MaximumRetryAttempts: 3 } }],
    });
    await expect(call('Frobnicate', {})).rejects.toMatchObject({ code: 'UnknownOperationException' });
  });

  it('TestEventPattern', async () => {
    const { call } = makeService({});
    const event = JSON.stringify({
      id: '1',
      account: '123456789012',
      source: 'aws.ec2',
      time: '2017-10-02T18:43:48Z',
      region: 'us-east-1',
      'detail-type': 'x',
      resources: [],
      detail: { state: 'running' },
    });
    const pattern = (p: unknown) => JSON.stringify(p);
    expect(
      await call('TestEventPattern', {
        EventPattern: pattern({ time: [{ prefix: '2017-10-02' }] }),
        Event: event,
      }),
    ).toEqual({
      Result: true,
    });
    expect(
      await call('TestEventPattern', {
        EventPattern: pattern({ detail: { state: ['stopped'] } }),
        Event: event,
      }),
    ).toEqual({
      Result: false,
    });
    await expect(
      call('TestEventPattern', { EventPattern: pattern({ source: 'aws.ec2' }), Event: event }),
    ).rejects.toMatchObject({
      code: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
    });
    await expect(
      call('TestEventPattern', { EventPattern: pattern({ source: ['a'] }), Event: '{"source":"a"}' }),
    ).rejects.toThrow(/missing required field id/);
  });

  it('PutRule, PutTargets, RemoveTargets, DeleteRule, DisableRule', async () => {
    const { call, bridge, dispatcher } = makeService({});
    await expect(call('PutRule', { Name: 'r' })).rejects.toThrow(/EventPattern or ScheduleExpression/);
    await expect(
      call('PutRule', { Name: 'r', EventPattern: '{"source":[{"numeric":[">"]}]}' }),
    ).rejects.toMatchObject({
      code: 'InvalidEventPatternException',
    });
    expect(await call('PutRule', { Name: 'r', EventPattern: '{"source":["s"]}' })).toEqual({
      RuleArn: `${ARN}:rule/r`,
    });
    await call('PutTargets', { Rule: 'r', Targets: [{ Id: 't', Arn: fnArn('f'), Input: '{"fixed":1}' }] });
    const targets = Array.from({ length: 5 }, (_, i) => ({ Id: `x${i}`, Arn: fnArn('f') }));
    await expect(call('PutTargets', { Rule: 'r', Targets: targets })).rejects.toMatchObject({
      code: 'LimitExceededException',
    });
    bridge.putEvents([{ Source: 's', DetailType: 'd', Detail: '{}' }]);
    await bridge.whenIdle();
    expect(dispatcher.delivered.map((d) => d.input)).toEqual(['{"fixed":1}']);
    await call('DisableRule', { Name: 'r' });
    bridge.putEvents([{ Source: 's', DetailType: 'd', Detail: '{}' }]);
    await bridge.whenIdle();
    expect(dispatcher.delivered).toHaveLength(1);
    await expect(call('DeleteRule', { Name: 'r' })).rejects.toThrow(/has targets/);
    await call('RemoveTargets', { Rule: 'r', Ids: ['t'] });
    await call('DeleteRule', { Name: 'r' });
    expect(await call('ListRules', {})).toEqual({ Rules: [] });
  });

  it('forwards events to a local bus target, whose rules then fire', async () => {
    const { bridge, dispatcher } = makeService(fromTemplateResources(resources));
    bridge.putEvents([entry()]);
    await bridge.whenIdle();
    expect(dispatcher.delivered.map((d) => d.target.id).sort()).toEqual(['Target0', 'q']);
    expect(bridge.events.map((e) => e.eventBusName)).toEqual(['commerce', 'audit']);
  });
});

describe('archive and replay', () => {
  it('archives matching events and replays a time window with replay-name', async () => {
    const { call, bridge, dispatcher, advance } = makeService(fromTemplateResources(resources));
    const t0 = bridge.now();
    bridge.putEvents([entry({ Detail: '{"n":1}' })]);
    advance(60_000);
    bridge.putEvents([
      entry({ Detail: '{"n":2}' }),
      entry({ Source: 'commerceforge.users', DetailType: 'UserCreated' }),
    ]);
    advance(60_000);
    bridge.putEvents([entry({ Detail: '{"n":3}' })]);
    advance(60_000);
    await bridge.whenIdle();
    expect(await call('DescribeArchive', { ArchiveName: 'commerce-archive' })).toMatchObject({
      ArchiveArn: `${ARN}:archive/commerce-archive`,
      EventCount: 3, // the users event does not match the archive's pattern
      State: 'ENABLED',
      RetentionDays: 30,
    });
    expect(await call('ListArchives', {})).toMatchObject({
      Archives: [{ ArchiveName: 'commerce-archive', EventCount: 3 }],
    });

    dispatcher.delivered.length = 0;
    const started = await call('StartReplay', {
      ReplayName: 'r1',
      EventSourceArn: `${ARN}:archive/commerce-archive`,
      EventStartTime: (t0 + 30_000) / 1000,
      EventEndTime: (t0 + 150_000) / 1000,
      Destination: {
        Arn: `${ARN}:event-bus/commerce`,
        FilterArns: [`${ARN}:rule/commerce/Orders-OrderPlacedRule-ABC`],
      },
    });
    expect(started).toMatchObject({ ReplayArn: `${ARN}:replay/r1`, State: 'STARTING' });
    await bridge.whenIdle();
    expect(await call('DescribeReplay', { ReplayName: 'r1' })).toMatchObject({ State: 'COMPLETED' });
    const replayed = dispatcher.delivered.map((d) => JSON.parse(d.input));
    expect(replayed.map((e) => [e.detail.n, e['replay-name']])).toEqual([
      [2, 'r1'],
      [3, 'r1'],
    ]);
    expect(await call('DescribeArchive', { ArchiveName: 'commerce-archive' })).toMatchObject({
      EventCount: 3,
    });
  });

  it('refuses bad replays as AWS does', async () => {
    const { call, bridge } = makeService(fromTemplateResources(resources));
    const now = bridge.now() / 1000;
    const base = {
      ReplayName: 'r',
      EventSourceArn: `${ARN}:archive/commerce-archive`,
      EventStartTime: now - 60,
      EventEndTime: now,
      Destination: { Arn: `${ARN}:event-bus/commerce` },
    };
    await expect(
      call('StartReplay', { ...base, EventSourceArn: `${ARN}:archive/nope` }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(
      call('StartReplay', { ...base, Destination: { Arn: `${ARN}:event-bus/audit` } }),
    ).rejects.toThrow(/Cross event bus replay is not permitted/);
    await expect(call('StartReplay', { ...base, EventStartTime: now + 1 })).rejects.toThrow(/must be before/);
    await expect(call('StartReplay', { ...base, EventEndTime: now + 3600 })).rejects.toThrow(/future/);
    await call('StartReplay', base);
    await expect(call('StartReplay', base)).rejects.toMatchObject({ code: 'ResourceAlreadyExistsException' });
    await bridge.whenIdle();
  });
});
