import type { ProjectionBinding } from '../kernel/service/projector-handler.js';
import { PRICE_LIST_TABLE_ENV, priceListProjection } from './handlers/price-list.js';
import { ORDER_VIEW_TABLE_ENV, orderViewProjection } from './read-model/order-view.js';

/**
 * Orders' read models, each with the variable its table's name arrives in: what the projector keeps and what
 * `npm run rebuild-projections -- orders` rebuilds. OrderView from orders' own events, PriceList from
 * inventory's ProductAdded, so the rebuild reads both stores.
 */
export const readModels: readonly ProjectionBinding[] = [
  { projection: orderViewProjection, tableEnv: ORDER_VIEW_TABLE_ENV },
  { projection: priceListProjection, tableEnv: PRICE_LIST_TABLE_ENV },
];
export const sources = ['orders', 'inventory'];
