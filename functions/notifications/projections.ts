import { orderCustomerProjection } from './handlers/order-customers.js';

/**
 * What `npm run rebuild-projections -- notifications` rebuilds, and whose store it reads: OrderCustomer from
 * orders' OrderPlaced (notifications keeps no event store of its own for it).
 */
export const projections = [orderCustomerProjection];
export const sources = ['orders'];
