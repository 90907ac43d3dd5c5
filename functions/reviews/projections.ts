import type { ProjectionBinding } from '../kernel/service/projector-handler.js';
import { REVIEWABLE_ORDERS_TABLE_ENV, reviewableOrdersProjection } from './handlers/order-facts.js';
import { PRODUCT_RATING_TABLE_ENV, productRatingProjection } from './read-model/product-rating.js';

/**
 * Reviews' read models and their tables' variables: what the projector keeps and what `npm run
 * rebuild-projections -- reviews` rebuilds. ProductRating from reviews' own events, ReviewableOrders from
 * orders' (what SubmitReview checks a review against), so the rebuild reads both stores.
 */
export const readModels: readonly ProjectionBinding[] = [
  { projection: productRatingProjection, tableEnv: PRODUCT_RATING_TABLE_ENV },
  { projection: reviewableOrdersProjection, tableEnv: REVIEWABLE_ORDERS_TABLE_ENV },
];
export const sources = ['reviews', 'orders'];
