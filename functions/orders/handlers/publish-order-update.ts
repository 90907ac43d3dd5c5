import { KernelConfigurationError, KernelError } from '../../kernel/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import { parseEventBridgeEvent } from '../../kernel/events/parse.js';
import { GRAPHQL_URL_ENV, signedGraphQLClient } from '../../kernel/graphql/iam-client.js';
import { getView, readClient, tableFromEnv } from '../../kernel/graphql/read.js';
import { withObservability } from '../../kernel/observability.js';
import { remembered } from '../../kernel/remembered.js';
import { ORDER_VIEW_TABLE_ENV } from '../read-model/order-view.js';

/** What `publishOrderUpdate` takes, less the customer (only OrderPlaced carries it). */
export interface StatusChange {
  readonly id: string;
  readonly status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'SHIPPED' | 'DELIVERED';
  readonly failureReason: string | null;
  readonly updatedAt: string;
  /** Only on OrderPlaced; the other events are read from OrderView. */
  readonly customerId?: string;
}

/** An order event's status change, or undefined for any other event. Pure: the event says it all. */
export function statusChangeOf(event: DomainEvent): StatusChange | undefined {
  const base = { id: event.streamId, failureReason: null, updatedAt: event.occurredAt };
  switch (event.type) {
    case 'OrderPlaced':
      return { ...base, id: event.data.orderId, status: 'PENDING', customerId: event.data.customerId };
    case 'OrderConfirmed':
      return { ...base, id: event.data.orderId, status: 'CONFIRMED' };
    case 'OrderCancelled':
      return { ...base, id: event.data.orderId, status: 'CANCELLED', failureReason: event.data.reason };
    case 'OrderShipped':
      return { ...base, id: event.data.orderId, status: 'SHIPPED' };
    case 'OrderDelivered':
      return { ...base, id: event.data.orderId, status: 'DELIVERED' };
    default:
      return undefined;
  }
}

export const PUBLISH_ORDER_UPDATE = /* GraphQL */ `
  mutation PublishOrderUpdate($input: OrderUpdateInput!) {
    publishOrderUpdate(input: $input) { id customerId status failureReason updatedAt }
  }
`;

let client: ReturnType<typeof signedGraphQLClient> | undefined;

/**
 * Orders' status changes to `onOrderUpdated` subscribers: on each order event (a rule in the Api stack)
 * it calls the Merged API's IAM-only `publishOrderUpdate`, signed with SigV4, and AppSync fans the result
 * out. Status, reason and time come from the event itself: reading OrderView for them would race its
 * projector (subscribed to the same events). Only the customer id, which OrderPlaced alone carries and never
 * changes, is read from OrderView; if the view does not have the order yet, the call throws and Lambda
 * retries the invocation (twice, 1 and 2 minutes apart; then the function's failure queue). A repeated
 * delivery publishes the same status again: harmless to subscribers.
 */
export const handler = withObservability({ service: 'orders' }, async (event, _context, tools) => {
  const envelope = parseEventBridgeEvent(event);
  const change = statusChangeOf(envelope);
  if (!change) {
    tools.logger.warn('not an order status change: ignored', { type: envelope.type });
    return { ignored: envelope.type };
  }
  const customerId = await customerOf(change, tools.captureClient);
  const url = process.env[GRAPHQL_URL_ENV];
  if (!url)
    throw new KernelConfigurationError(`${GRAPHQL_URL_ENV} is not set: give the function the API URL`);
  client ??= signedGraphQLClient({ url });
  const input = {
    id: change.id,
    customerId,
    status: change.status,
    failureReason: change.failureReason,
    updatedAt: change.updatedAt,
  };
  await client(PUBLISH_ORDER_UPDATE, { input });
  tools.logger.info('order update published', { orderId: change.id, status: change.status });
  return { orderId: change.id, status: change.status };
});

/**
 * An order's customer never changes: a warm environment reads it from OrderView once per order. Only what
 * the view says is remembered, never an event's word: a forged OrderPlaced would otherwise send the order's
 * later updates to the customer it names.
 */
const customers = remembered<string, string>();

async function customerOf(change: StatusChange, capture: <C>(c: C) => C): Promise<string> {
  if (change.customerId !== undefined) return change.customerId;
  const customerId = await customers.get(change.id, async (orderId) => {
    const view = await getView(readClient(capture), tableFromEnv(ORDER_VIEW_TABLE_ENV), { id: orderId });
    return typeof view?.customerId === 'string' ? view.customerId : undefined;
  });
  if (customerId === undefined)
    throw new OrderNotProjectedError(`order ${change.id} is not in OrderView yet: the rule retries`);
  return customerId;
}

/** The projector has not written the order yet (it reacts to the same events): a retry fixes it. */
export class OrderNotProjectedError extends KernelError {
  override readonly name = 'OrderNotProjectedError';
  readonly code = 'ORDER_NOT_PROJECTED';
}
