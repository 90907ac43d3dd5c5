import type { Decider } from '../../../kernel/domain/decider.js';
import type { ShipmentCommand } from './commands.js';
import { decideShipment, defaultShippingConfig, type ShippingConfig } from './decide.js';
import { evolve, initialState, type ShipmentFact, type ShipmentState } from './state.js';

export type ShipmentDecider = Decider<ShipmentCommand, ShipmentState, ShipmentFact>;

/** The shipment aggregate for a deployment's configuration. Stream id = the shipment id. */
export function createShipmentDecider(config: ShippingConfig = defaultShippingConfig): ShipmentDecider {
  return { initialState, decide: decideShipment(config), evolve };
}

/** With the default configuration (US, CA, GB, DE, FR, NL; carrier SimPost). */
export const shipmentDecider: ShipmentDecider = createShipmentDecider();
