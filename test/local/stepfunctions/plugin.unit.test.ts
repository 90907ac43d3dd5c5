import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../local/cloud.js';
import type { AwsJsonService } from '../../../local/core/aws-service.js';
import { stepFunctionsPlugin } from '../../../local/stepfunctions/plugin.js';
import { fakeLambda } from '../../helpers/local-stepfunctions.js';

describe('stepFunctionsPlugin', () => {
  it('builds the service from the model and registers it on the endpoint', async () => {
    const resource = {
      stackName: 'Orders',
      logicalId: 'Saga',
      type: 'AWS::StepFunctions::StateMachine',
      definition: {},
    };
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:OrderSaga';
    const registered: AwsJsonService[] = [];
    const cloud = {
      region: 'us-east-1',
      url: 'http://127.0.0.1:1',
      lambda: fakeLambda({}).invoker,
      dynamodb: { endpoint: 'http://127.0.0.1:1', tables: [] },
      sqs: {},
      logger: { info: () => {}, warn: () => {}, output: () => {} },
      model: {
        resources: () => [resource],
        properties: () => ({
          DefinitionString:
            '{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"${Greeting}","End":true}}}',
          DefinitionSubstitutions: { Greeting: 'hello' },
          RoleArn: 'arn:aws:iam::000000000000:role/SagaRole',
        }),
        identity: () => ({ name: 'OrderSaga', arn, ref: arn, attributes: {} }),
      },
      registerService: (service: AwsJsonService) => registered.push(service),
    } as unknown as LocalCloud;
    const plugin = stepFunctionsPlugin({ timeScale: 0.001 });
    await plugin.start(cloud);
    expect(registered[0]?.targetPrefix).toBe('AWSStepFunctions');
    const { executionArn } = plugin.service!.startExecution({ stateMachineArn: arn, input: {} });
    expect(await plugin.service!.waitForExecution(executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: 'hello',
    });
    expect(plugin.health?.()).toEqual({ stateMachines: ['OrderSaga'], executions: 1 });
  });
});
