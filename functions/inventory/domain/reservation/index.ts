export * from './commands.js';
export { decide as decideReservation, mergeLines } from './decide.js';
export * from './decider.js';
export * from './ledger.js';
export {
  evolve as evolveReservation,
  initialState as initialReservationState,
  type ReservationFact,
  type ReservationState,
  type StockLine,
  type UnavailableLine,
} from './state.js';
