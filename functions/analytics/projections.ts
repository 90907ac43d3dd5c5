import type { ProjectionBinding } from '../kernel/service/projector-handler.js';
import { customerSummaryProjection } from './read-model/customer-summary.js';
import { SALES_SUMMARY_TABLE_ENV, salesSummaryProjection } from './read-model/sales-summary.js';

/**
 * What `npm run rebuild-projections -- analytics` rebuilds, both in the one SalesSummary table. The projector
 * (handlers/projector.ts) keeps SalesSummary by delta, not as this single-item projection, which is here to
 * name the read model for `--from-archive` (the table cleared, the archive replayed to the live projector).
 * Analytics keeps no event store: from the archive is its rebuild.
 */
export const readModels: readonly ProjectionBinding[] = [
  { projection: salesSummaryProjection, tableEnv: SALES_SUMMARY_TABLE_ENV },
  { projection: customerSummaryProjection, tableEnv: SALES_SUMMARY_TABLE_ENV },
];
