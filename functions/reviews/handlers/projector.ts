import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { PRODUCT_RATING_TABLE_ENV, productRatingProjection } from '../read-model/product-rating.js';
import { REVIEWABLE_ORDERS_TABLE_ENV, reviewableOrdersProjection } from './order-facts.js';

/**
 * Reviews' projector: ProductRating from reviews' own ReviewSubmitted, ReviewableOrders from orders' events
 * (what SubmitReview checks a review against).
 */
export const handler = projectorHandler({
  service: 'reviews',
  readModels: [
    { projection: productRatingProjection, tableEnv: PRODUCT_RATING_TABLE_ENV },
    { projection: reviewableOrdersProjection, tableEnv: REVIEWABLE_ORDERS_TABLE_ENV },
  ],
});
