import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { KernelConfigurationError } from '../../kernel/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import { parseEventBridgeEvent } from '../../kernel/events/parse.js';
import { withIdempotency } from '../../kernel/idempotency.js';
import { type HandlerTools, withObservability } from '../../kernel/observability.js';
import { remembered } from '../../kernel/remembered.js';
import { documentClient, eventStoreFromEnvironment } from '../../kernel/store/dynamodb.js';
import type { EventStore } from '../../kernel/store/index.js';
import { channelFromEnvironment } from '../channel/index.js';
import {
  type NotificationChannel,
  notificationFor,
  orderToResolve,
  parseCommand,
  sendNotification,
} from '../domain/index.js';
import { ORDER_CUSTOMER_TABLE_ENV } from './order-customers.js';
import { type SendOutcome, sendOnce } from './send-notification.js';

let store: EventStore | undefined;
let channel: NotificationChannel | undefined;
let views: DynamoDBDocumentClient | undefined;

/**
 * Choreography: UserCreated (welcome), OrderConfirmed, OrderCancelled, OrderShipped, OrderDelivered (review
 * request) → the notification `notificationFor` chooses, through the channel, recorded as NotificationSent
 * on the stream of the triggering event. The same event delivered twice sends once: Powertools idempotency
 * on its eventId skips a redelivery, and the decider refuses a second (event, template) after that.
 * An order event whose OrderPlaced is not projected yet fails (NotFoundError): Lambda retries the invocation
 * (twice, 1 and 2 minutes apart), then the event goes to the function's failure queue, which alarms.
 */
/** What the handler answers (and Powertools stores for a redelivery): the outcome, event ids only. */
export type NotificationResult = Omit<SendOutcome, 'events'> & {
  readonly events: readonly Pick<DomainEvent, 'eventId' | 'type' | 'streamId' | 'streamVersion'>[];
};

export const handler = withObservability<unknown, NotificationResult | { skipped: string }>(
  { service: 'notifications' },
  withIdempotency(async (event, _context, tools) => {
    const envelope = parseEventBridgeEvent(event);
    const customerId = await customerOf(envelope, tools);
    const notification = notificationFor(envelope, customerId === undefined ? {} : { customerId });
    if (!notification) return { skipped: `${envelope.type} notifies no one` };
    const command = parseCommand(
      sendNotification(notification, envelope.eventId, {
        commandId: envelope.eventId,
        issuedAt: tools.clock().toISOString(),
        actor: { type: 'service', id: 'notifications' },
      }),
    );
    store ??= eventStoreFromEnvironment({ capture: (c) => tools.captureClient(c) });
    channel ??= channelFromEnvironment(tools.logger);
    const sent = await sendOnce(command, notification, { store, channel, metadata: () => tools.metadata() });
    tools.logger.info('notification handled', {
      notificationId: sent.notificationId,
      template: sent.template,
      outcome: sent.outcome,
    });
    tools.metrics.addMetric(
      sent.outcome === 'sent' ? 'NotificationsSent' : 'NotificationsDeduplicated',
      'Count',
      1,
    );
    // The envelopes themselves go out through the outbox; the answer names them only.
    return {
      ...sent,
      events: sent.events.map(({ eventId, type, streamId, streamVersion }) => ({
        eventId,
        type,
        streamId,
        streamVersion,
      })),
    };
  }),
);

/** The customer of the event's order, from our OrderCustomer read model (undefined: not an order event or not known yet). */
async function customerOf(event: DomainEvent, tools: HandlerTools): Promise<string | undefined> {
  const orderId = orderToResolve(event);
  if (orderId === undefined) return undefined;
  const tableName = process.env[ORDER_CUSTOMER_TABLE_ENV];
  if (!tableName) {
    throw new KernelConfigurationError(
      `${ORDER_CUSTOMER_TABLE_ENV} is not set: grant the OrderCustomer read model`,
    );
  }
  return customers.get(orderId, async () => {
    views ??= documentClient(tools.captureClient(new DynamoDBClient({})));
    const { Item } = await views.send(
      new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }),
    );
    return typeof Item?.customerId === 'string' ? Item.customerId : undefined;
  });
}

/** An order's customer never changes: a warm environment reads it once per order. */
const customers = remembered<string, string>();
