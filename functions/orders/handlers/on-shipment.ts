import { parseEventBridgeEvent } from '../../kernel/events/parse.js';
import { withObservability } from '../../kernel/observability.js';
import { eventStoreFromEnvironment } from '../../kernel/store/dynamodb.js';
import type { EventStore } from '../../kernel/store/index.js';
import { handleCommand } from '../../kernel/store/index.js';
import { type OrderCommand, orderDecider, parseCommand } from '../domain/index.js';

let store: EventStore | undefined;

/**
 * Choreography: shipping's ShipmentDispatched → ShipOrder, ShipmentDelivered → DeliverOrder. Idempotent by
 * construction (no idempotency table needed): the decider answers a redelivered event with nothing new when
 * the order already has that shipment (and tracking number). New events carry the shipping event's
 * correlation id, and its eventId as causation. A shipment event for an order that is not CONFIRMED (the
 * saga has not confirmed it yet) throws BusinessRuleError: Lambda retries the invocation (twice, 1 and 2
 * minutes apart), then the event lands in the function's failure queue with an alarm: a shipment moving for a
 * cancelled order is worth a look.
 */
export const handler = withObservability({ service: 'orders' }, async (event, _context, tools) => {
  const envelope = parseEventBridgeEvent(event);
  const metadata = {
    commandId: envelope.eventId,
    issuedAt: tools.clock().toISOString(),
    actor: { type: 'service' as const, id: 'shipping' },
  };
  let command: OrderCommand;
  switch (envelope.type) {
    case 'ShipmentDispatched':
      command = parseCommand({ type: 'ShipOrder', data: envelope.data, metadata });
      break;
    case 'ShipmentDelivered':
      command = parseCommand({ type: 'DeliverOrder', data: envelope.data, metadata });
      break;
    default:
      tools.logger.warn('not a shipment event: ignored', { type: envelope.type });
      return { ignored: envelope.type };
  }
  store ??= eventStoreFromEnvironment({ capture: (c) => tools.captureClient(c) });
  const { events, state } = await handleCommand({
    store,
    decider: orderDecider,
    streamId: command.data.orderId,
    command,
    metadata: () => tools.metadata({ actor: metadata.actor }),
  });
  tools.logger.info('order follows its shipment', {
    orderId: command.data.orderId,
    command: command.type,
    appended: events.map((e) => `${e.type}@${e.streamVersion}`),
  });
  return { orderId: command.data.orderId, status: state.status, appended: events.length };
});
