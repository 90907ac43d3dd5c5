import { parseWith } from '../../kernel/domain/commands.js';
import * as z from '../../kernel/zod.js';
import { AssignTask, CompleteTask, CreateMission } from './mission/commands.js';
import { CancelShipment, CreateShipment, DeliverShipment, DispatchShipment } from './shipment/commands.js';

/** Every shipping command, both aggregates: what the service's boundary accepts. */
export const shippingCommandSchema = z.discriminatedUnion('type', [
  CreateShipment,
  CancelShipment,
  DispatchShipment,
  DeliverShipment,
  CreateMission,
  AssignTask,
  CompleteTask,
]);
export type ShippingCommand = z.infer<typeof shippingCommandSchema>;

export const parseCommand = (input: unknown): ShippingCommand =>
  parseWith(shippingCommandSchema, input, 'shipping');

const missionTypes: ReadonlySet<string> = new Set(['CreateMission', 'AssignTask', 'CompleteTask']);
/** Which aggregate (and so which stream) a command goes to. */
export const aggregateOf = (command: ShippingCommand): 'shipment' | 'mission' =>
  missionTypes.has(command.type) ? 'mission' : 'shipment';
