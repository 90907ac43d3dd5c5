import {
  type DeliveryMeta,
  type DeliveryTarget,
  type EventBridgeConfig,
  EventBridgeService,
  type SqsMessageAttribute,
  type TargetDispatcher,
} from '../../local/eventbridge/index.js';

export const ARN = 'arn:aws:events:us-east-1:000000000000';
export const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
export const queueArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
export const request = { region: 'us-east-1', accountId: '000000000000' };

/** A dispatcher that records what it is given and fails the targets told to fail. */
export class FakeDispatcher implements TargetDispatcher {
  readonly delivered: { target: DeliveryTarget; input: string; meta: DeliveryMeta }[] = [];
  readonly deadLetters: {
    queueArn: string;
    body: string;
    attributes: Record<string, SqsMessageAttribute>;
  }[] = [];
  readonly failing = new Map<string, (attempt: number) => Error | undefined>();

  async deliver(target: DeliveryTarget, input: string, meta: DeliveryMeta): Promise<void> {
    const failure = this.failing.get(target.arn)?.(meta.attempt);
    if (failure) throw failure;
    this.delivered.push({ target, input, meta });
  }

  async sendToDeadLetterQueue(
    queueArn: string,
    body: string,
    attributes: Record<string, SqsMessageAttribute>,
  ) {
    this.deadLetters.push({ queueArn, body, attributes: { ...attributes } });
  }
}

/** A service whose retries take no real time: sleeping advances a virtual clock. */
export function makeService(config: EventBridgeConfig, dispatcher = new FakeDispatcher()) {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let ids = 0;
  const service = new EventBridgeService(config, {
    dispatcher,
    newId: () => `event-${++ids}`,
    retry: {
      random: () => 0.5,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    },
  });
  return {
    service,
    bridge: service.bridge,
    dispatcher,
    advance: (ms: number) => {
      clock += ms;
    },
    call: (operation: string, body: unknown) => service.handle(operation, body, request),
  };
}

export const entry = (overrides: Record<string, unknown> = {}) => ({
  Source: 'commerceforge.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ type: 'OrderPlaced', data: { orderId: 'o-1', total: 42 } }),
  EventBusName: 'commerce',
  ...overrides,
});
