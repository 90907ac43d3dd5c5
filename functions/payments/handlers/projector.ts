import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { PAYMENT_VIEW_TABLE_ENV, paymentViewProjection } from '../read-model/payment-view.js';

/** PaymentView (Order.payment) from the payment streams' events on the bus. */
export const handler = projectorHandler({
  service: 'payments',
  readModels: [{ projection: paymentViewProjection, tableEnv: PAYMENT_VIEW_TABLE_ENV }],
});
