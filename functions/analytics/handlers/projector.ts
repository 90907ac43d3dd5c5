import { projectorHandler } from '../../kernel/service/projector-handler.js';
import { customerSummaryProjection } from '../read-model/customer-summary.js';
import { SALES_SUMMARY_TABLE_ENV } from '../read-model/sales-summary.js';
import { createSalesProjector } from './sales-projector.js';

/**
 * SalesSummary from the orders' and the sagas' events on the bus, CustomerSummary (onboarding) from the
 * users'. The events come through a queue in batches (the analytics stack). SalesSummary keeps each order's
 * and saga's facts in an item of its own and its numbers by delta (sales-projector.ts); CustomerSummary, one
 * item, is read and written once per batch by the kernel projector. Both are commutative, so analytics, which
 * keeps no event store, needs no per-stream versions and parks nothing: an event counts whenever it arrives, a
 * duplicate changes nothing. The records of events that could not be applied go back to the queue
 * (`batchItemFailures`).
 */
export const handler = projectorHandler({
  service: 'analytics',
  readModels: [
    {
      name: 'SalesSummary',
      tableEnv: SALES_SUMMARY_TABLE_ENV,
      createProjector: (client, tableName) => createSalesProjector({ client, tableName }),
    },
    // Same table, its own item.
    { projection: customerSummaryProjection, tableEnv: SALES_SUMMARY_TABLE_ENV },
  ],
  catchUpFromStore: false,
});
