import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { customerSummaryProjection } from '../read-model/customer-summary.js';
import { SALES_SUMMARY_TABLE_ENV, salesSummaryProjection } from '../read-model/sales-summary.js';

/**
 * SalesSummary from the orders' and the sagas' events on the bus, CustomerSummary (onboarding) from the
 * users'. The events come through a queue in batches (the analytics stack): each summary, one item, is read
 * and written once per batch. Both projections are commutative, so analytics, which keeps no event store,
 * needs no per-stream versions and parks nothing: an event counts whenever it arrives, a duplicate changes
 * nothing. The records of events that could not be applied go back to the queue (`batchItemFailures`).
 */
export const handler = projectorHandler({
  service: 'analytics',
  readModels: [
    { projection: salesSummaryProjection, tableEnv: SALES_SUMMARY_TABLE_ENV },
    // Same table, its own item.
    { projection: customerSummaryProjection, tableEnv: SALES_SUMMARY_TABLE_ENV },
  ],
  catchUpFromStore: false,
});
