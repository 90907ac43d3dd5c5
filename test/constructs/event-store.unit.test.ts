import { fileURLToPath } from 'node:url';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { EventStore, IdempotencyTable } from '../../lib/constructs/event-store.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));

function synth(props: Partial<ConstructorParameters<typeof EventStore>[2]> = {}, nag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Inventory');
  const bus = new events.EventBus(stack, 'Bus');
  const store = new EventStore(stack, 'Events', { service: 'inventory', eventBus: bus, ...props });
  const handler = new ServiceFunction(stack, 'ReserveStock', { service: 'inventory', entry });
  const query = new ServiceFunction(stack, 'ProductQuery', { service: 'inventory', entry });
  store.grantAppend(handler);
  store.grantRead(query);
  const idempotency = new IdempotencyTable(stack, 'Idempotency');
  idempotency.grant(handler);
  const projector = new ServiceFunction(stack, 'ProductsProjector', { service: 'inventory', entry });
  store.grantRead(projector);
  return { template: Template.fromStack(stack), stack, store, handler, bus, query };
}

describe('EventStore', () => {
  it('makes the table: streamId/version keys, on demand, PITR, AWS-managed encryption, NEW_IMAGE stream', () => {
    const { template } = synth({ timeToLiveAttribute: 'expiresAt' });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'streamId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'version', AttributeType: 'N' }]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keeps the table (deletion-protected) and its relay failure queue by default; the removal policy from props', () => {
    const kept = synth().template;
    kept.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        StreamSpecification: Match.anyValue(),
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
    });
    kept.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
    const dropped = synth({ removalPolicy: RemovalPolicy.DESTROY }).template;
    dropped.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        StreamSpecification: Match.anyValue(),
        DeletionProtectionEnabled: false,
      }),
      DeletionPolicy: 'Delete',
    });
    expect(JSON.stringify(dropped.findResources('AWS::SQS::Queue'))).not.toContain('Retain');
  });

  it('feeds the relay from the stream through its live alias: INSERTs of events only, bisect, partial failures', () => {
    const { template, store, stack } = synth({ relay: { batchSize: 50, retryAttempts: 4 } });
    const target = new Capture();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: target,
      EventSourceArn: stack.resolve(store.table.tableStreamArn),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 50,
      MaximumRetryAttempts: 4,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: stack.resolve(store.relayFailureQueue.queueArn) },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { kind: { S: ['event'] } } },
            }),
          },
        ],
      },
    });
    // The mapping invokes `<function>:live`, never the bare function.
    expect(JSON.stringify(target.asObject())).toContain(':live');
  });

  it('gives the relay the bus name and PutEvents on that bus, and alarms on failures and lag', () => {
    const { template, stack, bus, store } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: stack.resolve(bus.eventBusName) }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'events:PutEvents', Resource: stack.resolve(bus.eventBusArn) }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(store.relayFailureQueue.queueName) }],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Threshold: 60_000,
    });
  });

  it('grants append (put, condition check, reads) and read only, on the table alone, and names it in the environment', () => {
    const { template, stack, store, handler } = synth();
    const tableArn = stack.resolve(store.table.tableArn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(handler.function.role!.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'],
            Resource: tableArn,
          }),
          Match.objectLike({
            Action: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
            Resource: tableArn,
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Environment: {
        Variables: Match.objectLike({
          EVENT_STORE_TABLE_NAME: stack.resolve(store.table.tableName),
          IDEMPOTENCY_TABLE_NAME: Match.anyValue(),
        }),
      },
    });
    // Nobody gets UpdateItem or DeleteItem on the store.
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const storeStatements = policies
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn));
    const actions = storeStatements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('dynamodb:UpdateItem');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });

  it('makes the idempotency table Powertools expects: partition id, TTL expiration', () => {
    synth().template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('passes cdk-nag (AwsSolutions) with every acknowledgement inside the constructs', () => {
    expect(() => synth({ relay: { maxLag: Duration.minutes(5) } }, true)).not.toThrow();
  });
});
