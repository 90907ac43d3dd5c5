import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { eventBridgeSource, eventSources } from '../../functions/kernel/events/envelope.js';
import { loadConfig } from '../../lib/config.js';
import { DomainEventBus } from '../../lib/constructs/domain-event-bus.js';
import { EventStore } from '../../lib/constructs/event-store.js';
import { Saga } from '../../lib/constructs/saga/index.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';

/**
 * Who may publish what (README "Security"): the bus policy denies each reserved source to every principal but
 * its publisher roles, and a source under the reserved prefix that nobody owns to everyone; publishers' own
 * grants are scoped to their source with `events:source`.
 */

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));
const PAYMENTS_ROLE = 'arn:aws:iam::123456789012:role/payments-publisher';
const ORDERS_ROLE = 'arn:aws:iam::123456789012:role/orders-publisher';

function bus(props: Partial<ConstructorParameters<typeof DomainEventBus>[2]> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Platform');
  const domain = new DomainEventBus(stack, 'Events', {
    eventBusName: 'shop',
    registryName: 'shop',
    schemas: [],
    publishers: [
      { source: 'shop.payments', principalArns: [PAYMENTS_ROLE] },
      { source: 'shop.orders', principalArns: [ORDERS_ROLE] },
    ],
    reservedSourcePrefix: 'shop.',
    ...props,
  });
  return { stack, domain, template: () => Template.fromStack(stack) };
}

describe('DomainEventBus publishers', () => {
  it('denies PutEvents of a reserved source to every principal but its publisher (explicit Deny)', () => {
    const { stack, domain, template } = bus();
    const busArn = stack.resolve(domain.eventBus.eventBusArn);
    for (const [source, role] of [
      ['shop.payments', PAYMENTS_ROLE],
      ['shop.orders', ORDERS_ROLE],
    ]) {
      template().hasResourceProperties('AWS::Events::EventBusPolicy', {
        EventBusName: stack.resolve(domain.eventBus.eventBusName),
        Statement: {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Resource: busArn,
          Condition: {
            StringEquals: { 'events:source': source },
            ArnNotEquals: { 'aws:PrincipalArn': [role] },
          },
        },
      });
    }
  });

  it('denies to everyone a source under the reserved prefix that no publisher owns', () => {
    const { template } = bus();
    template().hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Condition: {
          StringLike: { 'events:source': 'shop.*' },
          StringNotEquals: { 'events:source': Match.arrayEquals(['shop.payments', 'shop.orders']) },
        },
      },
    });
  });

  it('has no bus policy without publishers, and refuses a source given twice or without a publisher', () => {
    bus({ publishers: [], reservedSourcePrefix: undefined })
      .template()
      .resourceCountIs('AWS::Events::EventBusPolicy', 0);
    expect(() =>
      bus({
        publishers: [
          { source: 'shop.a', principalArns: [ORDERS_ROLE] },
          { source: 'shop.a', principalArns: [PAYMENTS_ROLE] },
        ],
      }),
    ).toThrow(/given twice/);
    expect(() => bus({ publishers: [{ source: 'shop.a', principalArns: [] }] })).toThrow(/no publisher/);
  });

  it('grants a publisher PutEvents on the bus for its own source only', () => {
    const { stack, domain, template } = bus();
    const fn = new ServiceFunction(stack, 'Relay', { service: 'payments', entry });
    domain.grantPublish(fn.alias, 'shop.payments');
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: stack.resolve(domain.eventBus.eventBusArn),
            Condition: { StringEquals: { 'events:source': ['shop.payments'] } },
          },
        ]),
      },
    });
  });
});

describe('publishers of the event store and the saga', () => {
  it("scopes the relay's grant to its service's source, and names its role when asked", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Inventory');
    const eventBus = new events.EventBus(stack, 'Bus');
    new EventStore(stack, 'Events', { service: 'inventory', eventBus, relayRoleName: 'inventory-publisher' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'inventory-publisher',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'events:PutEvents',
            Condition: { StringEquals: { 'events:source': ['commerceforge.inventory'] } },
          }),
        ]),
      },
    });
    // Every PutEvents the relay may make carries the condition.
    const policies = template.findResources('AWS::IAM::Policy');
    const putEvents = Object.values(policies).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: unknown; Condition?: unknown }[]).filter((s) =>
        [s.Action].flat().includes('events:PutEvents'),
      ),
    );
    expect(putEvents.length).toBeGreaterThan(0);
    for (const statement of putEvents) expect(statement.Condition).toBeDefined();
  });

  it("scopes the state machine's PutEvents (lifecycle events) to commerceforge.saga, on its named role", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Sagas');
    const eventBus = new events.EventBus(stack, 'Bus');
    const step = new ServiceFunction(stack, 'Step', { service: 'saga', entry });
    const saga = new Saga(stack, 'Fulfillment', {
      sagaName: 'Fulfillment',
      steps: [{ name: 'Only', action: step.alias }],
      eventBus,
      businessKeyPath: '$.data.orderId',
      timeout: Duration.minutes(5),
      roleName: 'saga-publisher',
    });
    const template = Template.fromStack(stack);
    const role = saga.node.findChild('Role').node.defaultChild as CfnElement;
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'saga-publisher' });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      RoleArn: stack.resolve((saga.node.findChild('Role') as unknown as { roleArn: string }).roleArn),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve({ Ref: stack.getLogicalId(role) })],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'events:PutEvents',
            Resource: stack.resolve(eventBus.eventBusArn),
            Condition: { StringEquals: { 'events:source': ['commerceforge.saga'] } },
          }),
        ]),
      },
    });
  });

  it('refuses to abandon a saga on States.ALL (every error would skip the compensations)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Sagas');
    const step = new ServiceFunction(stack, 'Step', { service: 'saga', entry });
    expect(
      () =>
        new Saga(stack, 'Fulfillment', {
          sagaName: 'Fulfillment',
          steps: [{ name: 'Only', action: step.alias, abandonOn: ['States.ALL'] }],
          eventBus: new events.EventBus(stack, 'Bus'),
          businessKeyPath: '$.data.orderId',
        }),
    ).toThrow(/cannot abandon on States.ALL/);
  });
});

describe('the app: every CommerceForge source is reserved to the role that publishes it', () => {
  it('denies each commerceforge.<service> to all but one role, and that role is the one the service publishes with', () => {
    const app = buildApp(
      loadConfig({ STAGE: 'dev' }),
      new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
    );
    const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
    const platform = Template.fromStack(stacks.find((s) => s.stackName === 'CommerceForge-dev-Platform')!);
    const statements = Object.values(platform.findResources('AWS::Events::EventBusPolicy')).map(
      (r) => r.Properties.Statement as { Effect: string; Condition: Record<string, Record<string, unknown>> },
    );
    const roleNames = new Map<string, string>();
    for (const stack of stacks) {
      for (const role of Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))) {
        const name = role.Properties.RoleName;
        if (name !== undefined) roleNames.set(JSON.stringify(name), stack.stackName);
      }
    }
    for (const service of eventSources) {
      const deny = statements.find(
        (s) => s.Condition.StringEquals?.['events:source'] === eventBridgeSource(service),
      );
      expect(deny, service).toMatchObject({ Effect: 'Deny' });
      const principal = JSON.stringify(deny!.Condition.ArnNotEquals!['aws:PrincipalArn']);
      // The ARN names `role/<name>`: the same name (a Join with the region) as a role of the publisher's stack.
      const named = [...roleNames.keys()].find((name) =>
        principal.includes(JSON.stringify(JSON.parse(name)['Fn::Join'][1][0]).slice(1, -1)),
      );
      expect(named, `${service}: no role named as the bus policy says`).toBeDefined();
    }
    expect(statements.some((s) => s.Condition.StringLike?.['events:source'] === 'commerceforge.*')).toBe(
      true,
    );
  }, 120_000);
});
