import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import type { DynamoDbOperation, StepFunctionsIntegrations } from '../../../local/stepfunctions/tasks.js';
import { runMachine } from '../../helpers/local-stepfunctions.js';

function fakeIntegrations() {
  const published: unknown[] = [];
  const dynamo: Array<{ operation: DynamoDbOperation; params: Record<string, unknown> }> = [];
  const sent: unknown[] = [];
  const integrations: StepFunctionsIntegrations = {
    async putEvents(params) {
      published.push(...params.Entries);
      return { Entries: params.Entries.map((_e, i) => ({ EventId: `evt-${i}` })), FailedEntryCount: 0 };
    },
    async dynamodb(operation, params) {
      dynamo.push({ operation, params });
      if (operation === 'PutItem' && params.ConditionExpression) {
        throw new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
      }
      return operation === 'GetItem' ? { Item: { pk: { S: 'order#1' }, status: { S: 'PENDING' } } } : {};
    },
    async sqsSendMessage(params) {
      sent.push(params);
      return { MessageId: 'msg-1', MD5OfMessageBody: 'md5' };
    },
  };
  return { integrations, published, dynamo, sent };
}

describe('engine: service integrations', () => {
  it('events:putEvents serialises Detail and returns AWS shape', async () => {
    const fake = fakeIntegrations();
    const { outcome, events } = await runMachine(
      {
        StartAt: 'Publish',
        States: {
          Publish: {
            Type: 'Task',
            Resource: 'arn:aws:states:::events:putEvents',
            Parameters: {
              Entries: [
                {
                  Source: 'commerceforge.orders',
                  DetailType: 'OrderConfirmed',
                  'Detail.$': '$',
                  EventBusName: 'bus',
                },
              ],
            },
            End: true,
          },
        },
      },
      { orderId: 'o-1' },
      { integrations: fake.integrations },
    );
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { Entries: [{ EventId: 'evt-0' }], FailedEntryCount: 0 },
    });
    expect(fake.published).toEqual([
      {
        Source: 'commerceforge.orders',
        DetailType: 'OrderConfirmed',
        Detail: '{"orderId":"o-1"}',
        EventBusName: 'bus',
      },
    ]);
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'events',
      resource: 'putEvents',
      region: 'us-east-1',
    });
  });

  it('dynamodb:getItem returns the item; putItem failure is DynamoDB.ConditionalCheckFailedException', async () => {
    const fake = fakeIntegrations();
    const { outcome } = await runMachine(
      {
        StartAt: 'Get',
        States: {
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName: 'orders', Key: { pk: { 'S.$': '$.pk' } } },
            ResultSelector: { 'status.$': '$.Item.status.S' },
            ResultPath: '$.order',
            Next: 'Put',
          },
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: {
              TableName: 'orders',
              Item: { pk: { 'S.$': '$.pk' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
            Catch: [
              {
                ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
                ResultPath: '$.error',
                Next: 'Exists',
              },
            ],
            End: true,
          },
          Exists: { Type: 'Pass', End: true },
        },
      },
      { pk: 'order#1' },
      { integrations: fake.integrations },
    );
    const output = outcome.output as { order: unknown; error: { Error: string; Cause: string } };
    expect(output.order).toEqual({ status: 'PENDING' });
    expect(output.error.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(output.error.Cause).toMatch(
      /^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400;/,
    );
    expect(fake.dynamo.map((c) => c.operation)).toEqual(['GetItem', 'PutItem']);
  });

  it('sqs:sendMessage serialises an object MessageBody', async () => {
    const fake = fakeIntegrations();
    const { outcome } = await runMachine(
      {
        StartAt: 'Send',
        States: {
          Send: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: { QueueUrl: 'http://localhost:4566/000000000000/q', 'MessageBody.$': '$' },
            End: true,
          },
        },
      },
      { a: 1 },
      { integrations: fake.integrations },
    );
    expect(outcome.output).toMatchObject({ MessageId: 'msg-1', MD5OfMessageBody: 'md5' });
    expect(fake.sent).toEqual([{ QueueUrl: 'http://localhost:4566/000000000000/q', MessageBody: '{"a":1}' }]);
  });

  it('names a missing integration in a States.Runtime failure', async () => {
    const { outcome } = await runMachine(
      {
        StartAt: 'Send',
        States: {
          Send: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Parameters: { QueueUrl: 'q', MessageBody: 'x' },
            End: true,
          },
        },
      },
      {},
    );
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(outcome.cause).toContain("no 'sqsSendMessage' integration");
  });
});

describe('engine: definitions it refuses', () => {
  it('refuses JSONata with a clear error', async () => {
    await expect(
      runMachine({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}),
    ).rejects.toThrow(/JSONata/);
  });

  it('reports an invalid definition through asl-validator', async () => {
    await expect(
      runMachine(
        { StartAt: 'Missing', States: { P: { Type: 'Pass', Next: 'Nowhere' } } },
        {},
        { validate: true },
      ),
    ).rejects.toMatchObject({ name: 'StateMachineDefinitionError', code: 'InvalidDefinition' });
  });
});
