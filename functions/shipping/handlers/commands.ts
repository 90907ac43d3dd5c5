import { commandHandler } from '../../kernel/service/command-handler.js';
import { parseCommand } from '../domain/index.js';
import { guardedCarrier } from './carrier-adapter.js';
import { shippingConfigFrom } from './config.js';
import { shippingExecutor } from './execute.js';

/**
 * The shipping service's commands: `{ command: { type, data }, actor?, commandId? }` with type CreateShipment,
 * CancelShipment, DispatchShipment, DeliverShipment (→ ShipmentResult) or CreateMission, AssignTask,
 * CompleteTask (→ MissionResult). See execute.ts and results.ts. A new shipment is booked with the carrier
 * (the sandbox's, or CARRIER_URL's) through carrier-adapter.ts, behind the `carrier` circuit breaker.
 */
export const handler = commandHandler({
  service: 'shipping',
  parseCommand,
  execute: shippingExecutor(shippingConfigFrom(), (tools) => {
    if (!tools) throw new Error('the command handler gives the executor its tools');
    return guardedCarrier(tools);
  }),
});
