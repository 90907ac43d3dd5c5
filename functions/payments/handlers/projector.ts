import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { readModels } from '../projections.js';

/** PaymentView (Order.payment) from the payment streams' events on the bus. */
export const handler = projectorHandler({
  service: 'payments',
  readModels,
});
