import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { readModels } from '../projections.js';

/**
 * Orders' projector: OrderView from orders' own events (gaps caught up from orders' store), PriceList from
 * inventory's ProductAdded (another service's events: gaps are parked, never read from a foreign store).
 */
export const handler = projectorHandler({
  service: 'orders',
  readModels,
});
