import type { ProjectionBinding } from '../kernel/service/projector-handler.js';
import { PRODUCT_VIEW_TABLE_ENV, productViewProjection } from './read-model/product-view.js';

/**
 * Inventory's read model and its table's variable: what the projector keeps and what `npm run
 * rebuild-projections -- inventory` rebuilds from inventory's own store.
 */
export const readModels: readonly ProjectionBinding[] = [
  { projection: productViewProjection, tableEnv: PRODUCT_VIEW_TABLE_ENV },
];
