import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { ORDER_CUSTOMER_TABLE_ENV, orderCustomerProjection } from './order-customers.js';

/** OrderCustomer from OrderPlaced (another service's events: a gap is parked, not read from our store). */
export const handler = projectorHandler({
  service: 'notifications',
  readModels: [{ projection: orderCustomerProjection, tableEnv: ORDER_CUSTOMER_TABLE_ENV }],
});
