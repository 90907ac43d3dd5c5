import type { Decider } from '../../../kernel/domain/decider.js';
import type { ProductCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type ProductFact, type ProductState } from './state.js';

/** One stream per SKU. */
export const productStreamId = (sku: string): string => `product#${sku}`;

export const productDecider: Decider<ProductCommand, ProductState, ProductFact> = {
  initialState,
  decide,
  evolve,
};
