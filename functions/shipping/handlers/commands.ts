import { commandHandler } from '../../kernel/service/command-handler.js';
import { parseCommand } from '../domain/index.js';
import { shippingConfigFrom } from './config.js';
import { shippingExecutor } from './execute.js';

/**
 * The shipping service's commands: `{ command: { type, data }, actor?, commandId? }` with type CreateShipment,
 * CancelShipment, DispatchShipment, DeliverShipment (→ ShipmentResult) or CreateMission, AssignTask,
 * CompleteTask (→ MissionResult). See execute.ts and results.ts.
 */
export const handler = commandHandler({
  service: 'shipping',
  parseCommand,
  execute: shippingExecutor(shippingConfigFrom()),
});
