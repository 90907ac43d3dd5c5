import type { ProjectionBinding } from '../kernel/service/projector-handler.js';
import { ORDER_CUSTOMER_TABLE_ENV, orderCustomerProjection } from './handlers/order-customers.js';

/**
 * Notifications' read model and its table's variable: what the projector keeps and what `npm run
 * rebuild-projections -- notifications` rebuilds, from orders' OrderPlaced (notifications keeps no event store
 * of its own for it).
 */
export const readModels: readonly ProjectionBinding[] = [
  { projection: orderCustomerProjection, tableEnv: ORDER_CUSTOMER_TABLE_ENV },
];
export const sources = ['orders'];
