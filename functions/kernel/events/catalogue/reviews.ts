import * as z from 'zod';
import { defineEvent } from '../define.js';
import { id, sku } from '../primitives.js';

export const ReviewSubmittedV1 = z.object({
  reviewId: id,
  orderId: id,
  customerId: id,
  sku,
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(2000),
});

export const reviewsEvents = [
  defineEvent({
    type: 'ReviewSubmitted',
    service: 'reviews',
    description: 'A customer reviewed a product they received',
    versions: [ReviewSubmittedV1],
  }),
] as const;
