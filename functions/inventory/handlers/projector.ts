import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { readModels } from '../projections.js';

/**
 * Inventory's projector. ProductView folds the product streams only: the reservation stream's StockReserved /
 * StockReleased are the same stock movements as the product streams' ledger copies, so counting both would
 * count twice (the stack's rule delivers product-stream events only; the projection ignores the rest anyway).
 */
export const handler = projectorHandler({
  service: 'inventory',
  readModels,
});
