import { type CommandMetadata, commandMetadata, parseWith } from '../../kernel/domain/commands.js';
import { text } from '../../kernel/domain/text.js';
import { ReviewSubmittedV1 } from '../../kernel/events/catalogue/reviews.js';
import { id, sku } from '../../kernel/events/primitives.js';
import * as z from '../../kernel/zod.js';

export { type CommandMetadata, commandMetadata };

/**
 * What the handler knows about the reviewed order (from the orders read model): its customer, whether it
 * was delivered, its SKUs. `null` when the order was not found. Reviews keep no copy of orders: the
 * handler looks it up and the decider rules on it, so the rules live in one place and stay pure.
 */
export const orderFacts = z.strictObject({
  customerId: id,
  delivered: z.boolean(),
  skus: z.array(sku).check(z.maxLength(100)),
});
export type OrderFacts = z.infer<typeof orderFacts>;

export const SubmitReview = z.strictObject({
  type: z.literal('SubmitReview'),
  data: z.strictObject({
    reviewId: ReviewSubmittedV1.shape.reviewId,
    orderId: ReviewSubmittedV1.shape.orderId,
    sku: ReviewSubmittedV1.shape.sku,
    rating: ReviewSubmittedV1.shape.rating,
    comment: text(ReviewSubmittedV1.shape.comment, { multiline: true }),
    order: z.nullable(orderFacts),
  }),
  metadata: commandMetadata,
});

export const reviewCommandSchema = z.discriminatedUnion('type', [SubmitReview]);

export type ReviewCommand = z.infer<typeof reviewCommandSchema>;
export type SubmitReview = z.infer<typeof SubmitReview>;

/** The boundary: anything that is not a well-formed reviews command is a ValidationError with zod's issues. */
export function parseCommand(input: unknown): ReviewCommand {
  return parseWith(reviewCommandSchema, input, 'reviews');
}
