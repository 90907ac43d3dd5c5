export * from './commands.js';
export {
  type CarrierBooking,
  decideShipment,
  defaultShippingConfig,
  needsCarrierBooking,
  type ShippingConfig,
  shipmentRules,
} from './decide.js';
export * from './decider.js';
export {
  evolve as evolveShipment,
  initialState as initialShipmentState,
  type ShipmentFact,
  type ShipmentState,
  type ShipmentStatus,
} from './state.js';
