import type { Decider } from '../../kernel/domain/decider.js';
import type { ReviewCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type ReviewFact, type ReviewState } from './state.js';

/** One stream per order and SKU: the stream itself makes "one review per order and SKU" a version check. */
export const reviewStreamId = (orderId: string, sku: string): string => `review#${orderId}#${sku}`;

export const reviewDecider: Decider<ReviewCommand, ReviewState, ReviewFact> = {
  initialState,
  decide,
  evolve,
};
