import type { Decider } from '../../kernel/domain/decider.js';
import type { OrderCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type OrderFact, type OrderState } from './state.js';

/** The order aggregate. Stream id = the order id (orderIdFor(customerId, idempotencyKey) for placed orders). */
export const orderDecider: Decider<OrderCommand, OrderState, OrderFact> = { initialState, decide, evolve };
