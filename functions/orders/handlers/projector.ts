import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { ORDER_VIEW_TABLE_ENV, orderViewProjection } from '../read-model/order-view.js';
import { PRICE_LIST_TABLE_ENV, priceListProjection } from './price-list.js';

/**
 * Orders' projector: OrderView from orders' own events (gaps caught up from orders' store), PriceList from
 * inventory's ProductAdded (another service's events: gaps are parked, never read from a foreign store).
 */
export const handler = projectorHandler({
  service: 'orders',
  readModels: [
    { projection: orderViewProjection, tableEnv: ORDER_VIEW_TABLE_ENV },
    { projection: priceListProjection, tableEnv: PRICE_LIST_TABLE_ENV },
  ],
});
