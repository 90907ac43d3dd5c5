import { BusinessRuleError } from '../../kernel/domain/errors.js';
import { parseEventBridgeEvent } from '../../kernel/events/parse.js';
import { withObservability } from '../../kernel/observability.js';
import { eventStoreFromEnvironment } from '../../kernel/store/dynamodb.js';
import type { EventStore } from '../../kernel/store/index.js';
import { parseCommand } from '../domain/index.js';
import { shippingConfigFrom } from './config.js';
import { shippingExecutor } from './execute.js';

/** The carrier's tracking number for a shipment: derived from it, so a redelivered event dispatches once. */
export const trackingNumberFor = (shipmentId: string): string => `TRK-${shipmentId}`.slice(0, 100);

const execute = shippingExecutor(shippingConfigFrom());
let store: EventStore | undefined;

/**
 * MissionCompleted → DispatchShipment: the packed parcel goes to the carrier. Idempotent by construction (the
 * same tracking number dispatches once: a redelivery is a no-op), so no idempotency record is needed. A
 * shipment cancelled while its last task was being completed is not dispatched: logged, not retried.
 */
export const handler = withObservability({ service: 'shipping' }, async (event, context, tools) => {
  const completed = parseEventBridgeEvent(event);
  if (completed.type !== 'MissionCompleted') return { skipped: completed.type };
  const { shipmentId } = completed.data;
  const command = parseCommand({
    type: 'DispatchShipment',
    data: { shipmentId, trackingNumber: trackingNumberFor(shipmentId) },
    metadata: {
      commandId: completed.eventId,
      issuedAt: tools.clock().toISOString(),
      actor: { type: 'service', id: 'shipping' },
    },
  });
  store ??= eventStoreFromEnvironment({ capture: (c) => tools.captureClient(c) });
  try {
    const { events, result } = await execute(command, { store, metadata: () => tools.metadata() });
    tools.logger.info('dispatched', { shipmentId, appended: events.length, requestId: context.awsRequestId });
    return result;
  } catch (error) {
    if (error instanceof BusinessRuleError) {
      tools.logger.warn('not dispatched', { shipmentId, rule: error.rule, message: error.message });
      return { skipped: error.rule };
    }
    throw error;
  }
});
