import { assertNever, type Fact } from '../../kernel/domain/decider.js';

/** The facts a review stream holds (stream id `review#<orderId>#<sku>`: one review per order and SKU). */
export type ReviewFact = Fact<'ReviewSubmitted'>;

export type ReviewState =
  | { readonly status: 'NONE' }
  | {
      readonly status: 'SUBMITTED';
      readonly reviewId: string;
      readonly orderId: string;
      readonly sku: string;
      readonly customerId: string;
      readonly rating: number;
    };

export const initialState = (): ReviewState => ({ status: 'NONE' });

export function evolve(_state: ReviewState, fact: ReviewFact): ReviewState {
  switch (fact.type) {
    case 'ReviewSubmitted': {
      const { reviewId, orderId, sku, customerId, rating } = fact.data;
      return { status: 'SUBMITTED', reviewId, orderId, sku, customerId, rating };
    }
    default:
      return assertNever(fact.type);
  }
}
