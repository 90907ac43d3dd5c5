import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { id, sku } from '../primitives.js';

export const ReviewSubmittedV1 = z.object({
  reviewId: id,
  orderId: id,
  customerId: id,
  sku,
  rating: z.number().check(z.int(), z.gte(1), z.lte(5)),
  comment: z.string().check(z.maxLength(2000)),
});

export const reviewsEvents = [
  defineEvent({
    type: 'ReviewSubmitted',
    service: 'reviews',
    description: 'A customer reviewed a product they received',
    versions: [ReviewSubmittedV1],
  }),
] as const;
