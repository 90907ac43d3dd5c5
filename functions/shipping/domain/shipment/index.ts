export * from './commands.js';
export { decideShipment, defaultShippingConfig, type ShippingConfig, shipmentRules } from './decide.js';
export * from './decider.js';
export {
  evolve as evolveShipment,
  initialState as initialShipmentState,
  type ShipmentFact,
  type ShipmentState,
  type ShipmentStatus,
} from './state.js';
