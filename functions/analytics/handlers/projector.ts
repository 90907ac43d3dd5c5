import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { customerSummaryProjection } from '../read-model/customer-summary.js';
import { salesSummaryProjection } from '../read-model/sales-summary.js';

/**
 * SalesSummary from the orders' and the sagas' events on the bus, CustomerSummary (onboarding) from the users'. Analytics keeps no event store: an event
 * that arrives ahead of a gap in its stream is parked in the item until the gap fills, which is why the
 * stack subscribes to every event of those sources (SagaStepCompleted included), not only the ones counted.
 */
export const handler = projectorHandler({
  service: 'analytics',
  readModels: [
    { projection: salesSummaryProjection, tableEnv: 'SALES_SUMMARY_TABLE' },
    // Same table, its own item.
    { projection: customerSummaryProjection, tableEnv: 'SALES_SUMMARY_TABLE' },
  ],
  catchUpFromStore: false,
});
