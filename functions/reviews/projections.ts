import { reviewableOrdersProjection } from './handlers/order-facts.js';
import { productRatingProjection } from './read-model/product-rating.js';

/**
 * What `npm run rebuild-projections -- reviews` rebuilds, and whose stores it reads: ProductRating from
 * reviews' own events, ReviewableOrders from orders' (the same read models the projector keeps).
 */
export const projections = [productRatingProjection, reviewableOrdersProjection];
export const sources = ['reviews', 'orders'];
