import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { readModels } from '../projections.js';

/**
 * Reviews' projector: ProductRating from reviews' own ReviewSubmitted, ReviewableOrders from orders' events
 * (what SubmitReview checks a review against).
 */
export const handler = projectorHandler({
  service: 'reviews',
  readModels,
});
