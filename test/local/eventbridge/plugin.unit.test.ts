import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../local/cloud.js';
import { AwsError } from '../../../local/core/aws-service.js';
import { eventBridgePlugin } from '../../../local/eventbridge/plugin.js';
import { QueueDoesNotExistError } from '../../../local/sqs/queues.js';
import { ARN, fnArn, queueArn } from '../../helpers/local-eventbridge.js';

/** Just enough of the local cloud for the plugin: a model of resolved resources, Lambda and SQS that record. */
function fakeCloud() {
  const resources = [
    { stackName: 'S', logicalId: 'Bus', type: 'AWS::Events::EventBus', props: { Name: 'commerce' } },
    {
      stackName: 'S',
      logicalId: 'Rule',
      type: 'AWS::Events::Rule',
      props: {
        EventBusName: 'commerce',
        EventPattern: { source: ['commerceforge.orders'] },
        Targets: [
          { Id: 'fn', Arn: fnArn('f') },
          { Id: 'q', Arn: queueArn('q'), InputPath: '$.detail' },
          { Id: 'gone', Arn: fnArn('gone'), DeadLetterConfig: { Arn: queueArn('dlq') } },
          { Id: 'missing', Arn: queueArn('missing'), DeadLetterConfig: { Arn: queueArn('dlq') } },
        ],
      },
    },
  ];
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const services: unknown[] = [];
  const cloud = {
    region: 'us-east-1',
    accountId: '000000000000',
    url: 'http://127.0.0.1:1',
    logger: { info() {}, warn() {}, error() {} },
    model: {
      resources: (type: string) => resources.filter((r) => r.type === type),
      properties: (r: { props: unknown }) => r.props,
      identity: (r: { stackName: string; logicalId: string }) => ({
        name: `${r.stackName}-${r.logicalId}-X`,
      }),
    },
    lambda: {
      invoke: async (...args: unknown[]) => {
        // What the local Lambda throws for a function it does not have.
        if (String(args[0]).endsWith(':gone'))
          throw new AwsError('ResourceNotFoundException', `Function not found: ${String(args[0])}`, 404);
        invoked.push(args);
        return { statusCode: 202, payload: undefined, executedVersion: '$LATEST' };
      },
    },
    sqs: {
      send: (...args: unknown[]) => {
        if (args[0] === queueArn('missing')) throw new QueueDoesNotExistError(String(args[0]));
        return sent.push(args);
      },
    },
    registerService: (service: unknown) => services.push(service),
  } as unknown as LocalCloud;
  return { cloud, invoked, sent, services };
}

describe('eventBridgePlugin', () => {
  it('serves the templates’ rules and delivers through Lambda and SQS, missing functions and queues to the DLQ at once', async () => {
    const { cloud, invoked, sent, services } = fakeCloud();
    const plugin = eventBridgePlugin();
    await plugin.start(cloud);
    expect(services).toEqual([plugin.service]);
    const bridge = plugin.service!.bridge;
    expect(bridge.registry.rule('S-Rule-X', 'commerce').arn).toBe(`${ARN}:rule/commerce/S-Rule-X`);
    bridge.putEvents([
      {
        Source: 'commerceforge.orders',
        DetailType: 'OrderPlaced',
        Detail: '{"id":1}',
        EventBusName: 'commerce',
      },
    ]);
    await bridge.whenIdle();
    expect(invoked).toHaveLength(1);
    expect(invoked[0]?.[0]).toBe(fnArn('f'));
    expect(invoked[0]?.[2]).toEqual({ invocationType: 'Event' });
    expect(sent.find((s) => s[0] === queueArn('q'))?.[1]).toEqual({ body: '{"id":1}' });
    // The missing function and the missing queue, each dead-lettered at once, not retried for a day.
    const dead = sent.filter((s) => s[0] === queueArn('dlq')).map((s) => s[1]) as Array<{
      messageAttributes: Record<string, { StringValue: string }>;
    }>;
    expect(dead.map((d) => d.messageAttributes.ERROR_CODE?.StringValue)).toEqual([
      'NO_RESOURCE',
      'NO_RESOURCE',
    ]);
    expect(plugin.health?.()).toMatchObject({ buses: ['default', 'commerce'], events: 1 });
    await plugin.stop?.();
  });
});
