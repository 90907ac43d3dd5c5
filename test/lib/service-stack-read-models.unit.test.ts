import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { readModels } from '../../functions/orders/projections.js';
import {
  ORDER_VIEW_BY_CUSTOMER,
  ORDER_VIEW_TABLE_ENV,
} from '../../functions/orders/read-model/order-view.js';
import { loadConfig } from '../../lib/config.js';

/**
 * Read-model tables as every service stack makes them (`ServiceStack.addReadModel`, `grantReadModel`): the
 * event store's table defaults, a grant that covers the model's indexes, and the table's name in the variable
 * the read model exports, which its projector and `npm run rebuild-projections` both read. Checked on orders'
 * OrderView (an index) in the app users deploy.
 */
let template: Template;
let stack: Stack;
beforeAll(() => {
  const app = buildApp(loadConfig({ STAGE: 'dev' }), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  stack = app.node.children.find((c): c is Stack => c instanceof Stack && c.stackName.endsWith('-Orders'))!;
  template = Template.fromStack(stack);
});

const orderViewTable = () => {
  const [id] = Object.keys(
    template.findResources('AWS::DynamoDB::Table', {
      Properties: {
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: ORDER_VIEW_BY_CUSTOMER.indexName })],
      },
    }),
  );
  expect(id).toBeDefined();
  return id!;
};

describe('read-model tables of a service stack', () => {
  it('have the event store table defaults: on demand, AWS-managed encryption, point-in-time recovery', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: ORDER_VIEW_BY_CUSTOMER.indexName })],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: Match.anyValue() },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it("set the table's name in the read model's own variable, the one the projector's registry names", () => {
    expect(readModels.map((m) => m.tableEnv)).toContain(ORDER_VIEW_TABLE_ENV);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ORDER_VIEW_TABLE_ENV]: { Ref: orderViewTable() } }) },
    });
  });

  it('grant the table with its indexes (the model declares them)', () => {
    const table = orderViewTable();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Resource: Match.arrayWith([
              { 'Fn::GetAtt': [table, 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] },
            ]),
          }),
        ]),
      },
    });
  });
});
