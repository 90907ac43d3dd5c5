import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { readModels } from '../projections.js';

/** OrderCustomer from OrderPlaced (another service's events: a gap is parked, not read from our store). */
export const handler = projectorHandler({
  service: 'notifications',
  readModels,
});
