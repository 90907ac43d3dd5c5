import { assertNever } from '../../kernel/domain/decider.js';
import { BusinessRuleError, ForbiddenError, NotFoundError } from '../../kernel/domain/errors.js';
import type { ReviewCommand, SubmitReview } from './commands.js';
import type { ReviewFact, ReviewState } from './state.js';

/**
 * Rules, in the order they are checked:
 * - the order must exist (NotFoundError);
 * - only the order's customer reviews it: a person (actor type `user`) whose id is the order's customerId;
 *   services and other users are refused (ForbiddenError), before anything about the order is revealed;
 * - one review per order and SKU: the same review again (same reviewId, a retry) emits nothing, another one
 *   is refused;
 * - the SKU must be one of the order's, and the order must have been delivered.
 * Rating (integer 1-5) and comment length are checked when parsing.
 */
export function decide(command: ReviewCommand, state: ReviewState): ReviewFact[] {
  switch (command.type) {
    case 'SubmitReview':
      return submit(command, state);
    default:
      return assertNever(command.type);
  }
}

function submit(command: SubmitReview, state: ReviewState): ReviewFact[] {
  const { reviewId, orderId, sku, rating, comment, order } = command.data;
  if (order === null) throw new NotFoundError(`order ${orderId} does not exist`, { orderId });
  const { actor } = command.metadata;
  if (actor.type !== 'user' || actor.id !== order.customerId) {
    throw new ForbiddenError("only the order's customer may review it", { orderId, actorId: actor.id });
  }
  if (state.status === 'SUBMITTED') {
    if (state.reviewId === reviewId) return [];
    throw new BusinessRuleError(
      'one-review-per-order-and-sku',
      `${sku} of order ${orderId} is already reviewed`,
      {
        orderId,
        sku,
      },
    );
  }
  if (!order.skus.includes(sku)) {
    throw new BusinessRuleError('sku-in-order', `order ${orderId} has no ${sku}`, { orderId, sku });
  }
  if (!order.delivered) {
    throw new BusinessRuleError('order-delivered', `order ${orderId} is not delivered yet`, { orderId });
  }
  return [
    {
      type: 'ReviewSubmitted',
      data: { reviewId, orderId, customerId: order.customerId, sku, rating, comment },
    },
  ];
}
