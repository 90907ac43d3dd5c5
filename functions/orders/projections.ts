import { priceListProjection } from './handlers/price-list.js';
import { orderViewProjection } from './read-model/order-view.js';

/**
 * What `npm run rebuild-projections -- orders` rebuilds, and whose stores it reads: OrderView from orders'
 * own events, PriceList from inventory's ProductAdded (the same read models the projector keeps).
 */
export const projections = [orderViewProjection, priceListProjection];
export const sources = ['orders', 'inventory'];
