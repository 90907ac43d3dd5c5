import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';

/** The users, security and notifications stacks: what each function may do and which events reach it. */
let templates: Record<string, Template>;
beforeAll(() => {
  const app = buildApp(loadConfig({ STAGE: 'dev' }), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
  templates = Object.fromEntries(
    ['Users', 'Security', 'Notifications'].map((s) => [
      s,
      Template.fromStack(stacks.find((x) => x.stackName === `CommerceForge-dev-${s}`)!),
    ]),
  );
});

const rule = (template: Template, pattern: Record<string, unknown>) =>
  template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike(pattern) });

describe('service stacks of users, security and notifications', () => {
  it('users: Commands may delete email guard items only; the projector hears the user events', () => {
    const users = templates.Users!;
    users.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:DeleteItem',
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['email#*'] } },
          }),
        ]),
      },
    });
    rule(users, {
      source: ['commerceforge.users'],
      'detail-type': ['UserCreated', 'UserUpdated', 'UserDeleted'],
    });
    users.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
    });
  });

  it('security: admin actions are user-made catalogue changes and admin deletions', () => {
    const security = templates.Security!;
    rule(security, {
      source: ['commerceforge.inventory'],
      'detail-type': ['ProductAdded', 'StockRestocked'],
      detail: { actor: { type: ['user'] } },
    });
    rule(security, {
      source: ['commerceforge.users'],
      'detail-type': ['UserDeleted'],
      detail: { data: { reason: ['ADMIN_ACTION'] } },
    });
    // relay, Commands, OnAdminAction, and the Commands' pre-traffic hook (lib/constructs/stack-deployments.ts)
    expect(Object.keys(security.findResources('AWS::Lambda::Alias'))).toHaveLength(4);
  });

  it('notifications: UserCreated and the order events notify; OrderPlaced feeds OrderCustomer; the log channel', () => {
    const notifications = templates.Notifications!;
    rule(notifications, { source: ['commerceforge.users'], 'detail-type': ['UserCreated'] });
    rule(notifications, {
      source: ['commerceforge.orders'],
      'detail-type': ['OrderConfirmed', 'OrderCancelled', 'OrderShipped', 'OrderDelivered'],
    });
    rule(notifications, { source: ['commerceforge.orders'], 'detail-type': ['OrderPlaced'] });
    notifications.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ NOTIFICATION_CHANNEL: 'log', ORDER_CUSTOMER_TABLE: Match.anyValue() }),
      },
    });
  });
});
