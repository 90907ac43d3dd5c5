import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import { StepFunctionsService } from '../../../local/stepfunctions/service.js';
import type { StepFunctionsIntegrations } from '../../../local/stepfunctions/tasks.js';
import { fakeLambda, fnArn, machine, namedError } from '../../helpers/local-stepfunctions.js';

/** A saga built with CDK's own task constructs: the ASL the Saga construct will emit runs as in AWS. */
function sagaDefinition(): object {
  const stack = new Stack(new App(), 'Saga');
  const fn = (name: string) => lambda.Function.fromFunctionArn(stack, name, fnArn(name));
  const reserve = new tasks.LambdaInvoke(stack, 'ReserveStock', {
    lambdaFunction: fn('reserve'),
    resultSelector: { 'reservationId.$': '$.Payload.reservationId' },
    resultPath: '$.reservation',
  });
  const charge = new tasks.LambdaInvoke(stack, 'ChargePayment', {
    lambdaFunction: fn('charge'),
    payloadResponseOnly: true,
    resultPath: '$.payment',
    taskTimeout: sfn.Timeout.duration(Duration.seconds(30)),
  });
  charge.addRetry({ errors: ['PaymentProviderError'], interval: Duration.seconds(2), maxAttempts: 2 });
  const release = new tasks.LambdaInvoke(stack, 'ReleaseStock', {
    lambdaFunction: fn('release'),
    resultPath: sfn.JsonPath.DISCARD,
  });
  const record = new tasks.DynamoPutItem(stack, 'RecordOutcome', {
    table: dynamodb.Table.fromTableName(stack, 'Orders', 'orders'),
    item: { pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.orderId')) },
    resultPath: sfn.JsonPath.DISCARD,
  });
  const publish = new tasks.EventBridgePutEvents(stack, 'PublishConfirmed', {
    entries: [
      {
        eventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'commerceforge'),
        source: 'commerceforge.orders',
        detailType: 'OrderConfirmed',
        detail: sfn.TaskInput.fromObject({ 'orderId.$': '$.orderId', 'execution.$': '$$.Execution.Name' }),
      },
    ],
  });
  const failed = new sfn.Fail(stack, 'OrderFailed', { error: 'PaymentDeclined', causePath: '$.error.Cause' });
  charge.addCatch(release.next(failed), { errors: ['States.ALL'], resultPath: '$.error' });
  const chain = reserve.next(charge).next(record).next(publish);
  // Two tokens are left: the partition and DISCARD, which synth renders as `aws` and `null`.
  const asl = JSON.stringify(new sfn.StateGraph(chain.startState, 'saga').toGraphJson())
    .replace(/\$\{Token\[AWS\.Partition\.\d+\]\}/g, 'aws')
    .replace(/"\$\{Token\[DISCARD[^\]]*\]\}"/g, 'null');
  return JSON.parse(asl);
}

function localCloud(chargeBehaviour: (call: number) => unknown) {
  const published: unknown[] = [];
  const lambdas = fakeLambda({
    reserve: () => ({ reservationId: 'r-1' }),
    charge: (_p, call) => chargeBehaviour(call),
    release: () => ({ released: true }),
  });
  const integrations: StepFunctionsIntegrations = {
    putEvents: async ({ Entries }) => {
      published.push(...Entries);
      return { Entries: Entries.map(() => ({ EventId: 'e-1' })), FailedEntryCount: 0 };
    },
    dynamodb: async (_op, params) => {
      if (params.TableName !== 'orders')
        throw new AwsError('ResourceNotFoundException', 'Requested resource not found');
      return {};
    },
    sqsSendMessage: async () => ({ MessageId: 'm', MD5OfMessageBody: 'x' }),
  };
  const service = new StepFunctionsService({
    lambda: lambdas.invoker,
    integrations,
    timeScale: 0.001,
    stateMachines: [machine(sagaDefinition(), 'OrderSaga')],
  });
  return { service, published, calls: lambdas.calls };
}

const SAGA = 'arn:aws:states:us-east-1:000000000000:stateMachine:OrderSaga';

describe('a CDK-built saga on the local Step Functions', () => {
  it('confirms: invoke response selected, retried charge, DynamoDB and EventBridge integrations', async () => {
    const { service, published, calls } = localCloud((call) => {
      if (call === 1) throw namedError('PaymentProviderError', 'provider hiccup');
      return { paymentId: 'p-1' };
    });
    const { executionArn } = service.startExecution({
      stateMachineArn: SAGA,
      name: 'order-1',
      input: { orderId: 'o-1' },
    });
    const result = await service.waitForExecution(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.name)).toEqual(['reserve', 'charge', 'charge']);
    expect(published).toEqual([
      expect.objectContaining({
        DetailType: 'OrderConfirmed',
        Detail: JSON.stringify({ orderId: 'o-1', execution: 'order-1' }),
      }),
    ]);
    const types = service.getExecution(executionArn).events.map((e) => e.type);
    expect(types.filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(1);
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(1);
  });

  it('compensates when the charge is declined, and fails with the Lambda cause', async () => {
    const { service, calls } = localCloud(() => {
      throw namedError('PaymentDeclined', 'tok_decline');
    });
    const { executionArn } = service.startExecution({ stateMachineArn: SAGA, input: { orderId: 'o-2' } });
    const result = await service.waitForExecution(executionArn);
    expect(calls.map((c) => c.name)).toEqual(['reserve', 'charge', 'release']);
    expect(result).toMatchObject({ status: 'FAILED', error: 'PaymentDeclined' });
    expect(JSON.parse(result.cause ?? '{}')).toMatchObject({
      errorType: 'PaymentDeclined',
      errorMessage: 'tok_decline',
    });
  });
});
