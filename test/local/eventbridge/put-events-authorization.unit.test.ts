import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import { EventBridgeService, fromTemplateResources } from '../../../local/eventbridge/index.js';
import { LocalIdentities } from '../../../local/iam/identities.js';
import { ARN, FakeDispatcher, request } from '../../helpers/local-eventbridge.js';

const ACCOUNT = '000000000000';
const BUS_ARN = `${ARN}:event-bus/commerce`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const PAYMENTS = role('payments-publisher');
const INVENTORY = role('inventory-publisher');
const NO_GRANTS = role('reader');

/** The template as the platform synthesizes it: the bus and its policy, one Deny per reserved source. */
const resources = [
  { logicalId: 'Bus', type: 'AWS::Events::EventBus', properties: { Name: 'commerce' } },
  ...[
    ['payments', PAYMENTS],
    ['inventory', INVENTORY],
  ].map(([service, publisher]) => ({
    logicalId: `Only${service}`,
    type: 'AWS::Events::EventBusPolicy',
    properties: {
      EventBusName: 'commerce',
      StatementId: `cdk-OnlyPublisherOf-${service}`,
      Statement: {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: BUS_ARN,
        Condition: {
          StringEquals: { 'events:source': `commerceforge.${service}` },
          ArnNotEquals: { 'aws:PrincipalArn': [publisher] },
        },
      },
    },
  })),
];

const grant = (source: string) => ({
  Statement: [
    {
      Effect: 'Allow' as const,
      Action: 'events:PutEvents',
      Resource: BUS_ARN,
      Condition: { StringEquals: { 'events:source': [source] } },
    },
  ],
});
const identities = new LocalIdentities(ACCOUNT, [
  { arn: PAYMENTS, policies: [grant('commerceforge.payments')] },
  { arn: INVENTORY, policies: [grant('commerceforge.inventory')] },
  { arn: NO_GRANTS, policies: [] },
]);

function service() {
  const dispatcher = new FakeDispatcher();
  const svc = new EventBridgeService(fromTemplateResources(resources), { dispatcher, identities });
  const put = (accessKeyId: string | undefined, entries: { Source: string }[]) =>
    svc.handle(
      'PutEvents',
      { Entries: entries.map((e) => ({ EventBusName: 'commerce', DetailType: 'T', Detail: '{}', ...e })) },
      { ...request, ...(accessKeyId ? { accessKeyId } : {}) },
    ) as Promise<{ FailedEntryCount: number; Entries: Record<string, string>[] }>;
  return { svc, put, bridge: svc.bridge };
}
const keyOf = (arn: string) => identities.accessKeyIdOf(arn);

describe('PutEvents on the local bus: the bus policy and the caller identity', () => {
  it('accepts a publisher putting its own source', async () => {
    const { put, bridge } = service();
    const out = await put(keyOf(PAYMENTS), [{ Source: 'commerceforge.payments' }]);
    expect(out.FailedEntryCount).toBe(0);
    expect(bridge.events).toHaveLength(1);
  });

  it('refuses, per entry (AccessDeniedException), another role putting a reserved source; the rest goes through', async () => {
    const { put, bridge } = service();
    const out = await put(keyOf(INVENTORY), [
      { Source: 'commerceforge.payments' },
      { Source: 'commerceforge.inventory' },
    ]);
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries[0]).toEqual({
      ErrorCode: 'AccessDeniedException',
      ErrorMessage: expect.stringContaining('with an explicit deny in a resource-based policy'),
    });
    expect(out.Entries[1]).toHaveProperty('EventId');
    expect(bridge.events.map((e) => e.event.source)).toEqual(['commerceforge.inventory']);
  });

  it('refuses an outside caller (any other key: the account root) a reserved source, and allows it others', async () => {
    const { put, bridge } = service();
    for (const key of ['test', undefined]) {
      const out = await put(key, [{ Source: 'commerceforge.payments' }, { Source: 'someone.else' }]);
      expect(out.Entries[0]).toMatchObject({ ErrorCode: 'AccessDeniedException' });
      expect(out.Entries[1]).toHaveProperty('EventId');
    }
    expect(bridge.events.map((e) => e.event.source)).toEqual(['someone.else', 'someone.else']);
  });

  it('refuses a role a source its scoped grant does not cover (NotAuthorizedForSourceException)', async () => {
    const { put } = service();
    const out = await put(keyOf(PAYMENTS), [{ Source: 'someone.else' }]);
    expect(out.Entries[0]).toEqual({
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: 'Not authorized for the source.',
    });
  });

  it('refuses the whole request of a role no policy lets put events (AccessDeniedException)', async () => {
    const { put, bridge } = service();
    const refused = put(keyOf(NO_GRANTS), [{ Source: 'someone.else' }]);
    await expect(refused).rejects.toBeInstanceOf(AwsError);
    await expect(refused).rejects.toMatchObject({
      code: 'AccessDeniedException',
      message: expect.stringContaining('because no identity-based policy allows the events:PutEvents action'),
    });
    expect(bridge.events).toHaveLength(0);
  });

  it('authorizes a role acting in process (a state machine) as that role; no caller is not authorized', () => {
    const { bridge } = service();
    const entry = {
      EventBusName: 'commerce',
      Source: 'commerceforge.payments',
      DetailType: 'T',
      Detail: '{}',
    };
    expect(bridge.putEvents([entry], { caller: { roleArn: INVENTORY } }).FailedEntryCount).toBe(1);
    expect(bridge.putEvents([entry], { caller: { roleArn: PAYMENTS } }).FailedEntryCount).toBe(0);
    // The harness (tests, the console) puts in process without a caller.
    expect(bridge.putEvents([entry]).FailedEntryCount).toBe(0);
  });

  it('shows the bus policy in DescribeEventBus', async () => {
    const { svc } = service();
    const bus = (await svc.handle('DescribeEventBus', { Name: 'commerce' }, request)) as { Policy: string };
    expect(JSON.parse(bus.Policy).Statement).toHaveLength(2);
  });
});
