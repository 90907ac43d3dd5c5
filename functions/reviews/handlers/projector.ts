import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { productRatingProjection } from '../read-model/product-rating.js';
import { REVIEWABLE_ORDERS_TABLE_ENV } from './commands.js';
import { reviewableOrdersProjection } from './order-facts.js';

export const PRODUCT_RATING_TABLE_ENV = 'PRODUCT_RATING_TABLE';

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
