import type { ProjectionBinding } from '../kernel/service/projector-handler.js';
import { PAYMENT_VIEW_TABLE_ENV, paymentViewProjection } from './read-model/payment-view.js';

/**
 * Payments' read model and its table's variable: what the projector keeps and what `npm run
 * rebuild-projections -- payments` rebuilds from payments' own store.
 */
export const readModels: readonly ProjectionBinding[] = [
  { projection: paymentViewProjection, tableEnv: PAYMENT_VIEW_TABLE_ENV },
];
