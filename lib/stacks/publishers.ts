import { Aws, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type EventSource, eventBridgeSource, eventSources } from '../../functions/kernel/events/envelope.js';
import type { EventPublisher } from '../constructs/domain-event-bus.js';

/**
 * The role that publishes a source: a service's outbox relay, the saga's state machine for `saga`. Named, so that
 * the bus policy in the platform stack can name it without a reference to the service's stack (which depends on
 * the platform's: a reference back would be a cycle). The region keeps two regions of one stage apart (IAM is
 * global).
 */
export function publisherRoleName(stage: string, source: EventSource | string): string {
  return `commerceforge-${stage}-${source}-publisher-${Aws.REGION}`;
}

/** Every CommerceForge source and the one role that may publish it, for `DomainEventBusProps.publishers`. */
export function platformPublishers(scope: Construct, stage: string): EventPublisher[] {
  const stack = Stack.of(scope);
  return eventSources.map((source) => ({
    source: eventBridgeSource(source),
    principalArns: [
      stack.formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: publisherRoleName(stage, source),
      }),
    ],
  }));
}
