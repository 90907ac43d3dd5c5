import {
  field,
  getView,
  graphqlHandler,
  noArgs,
  readClient,
  tableFromEnv,
} from '../../kernel/graphql/index.js';
import { numbersFromCounters } from '../read-model/sales-counters.js';
import { SALES_SUMMARY_KEY, SALES_SUMMARY_TABLE_ENV } from '../read-model/sales-summary.js';
import { emptySummary } from './query.js';

/** The analytics source API's resolver: `sagaStats`, the saga counts SalesSummary keeps. */
export const handler = graphqlHandler({
  service: 'analytics',
  fields: {
    'Query.sagaStats': field(noArgs, async (_args, ctx) => {
      const db = readClient((c) => ctx.tools.captureClient(c));
      const item = await getView(db, tableFromEnv(SALES_SUMMARY_TABLE_ENV), { id: SALES_SUMMARY_KEY });
      if (!item) return { ...emptySummary.sagas, updatedAt: emptySummary.updatedAt };
      // The counts are counters on the summary item (kept by delta); successRate is derived from them.
      return { ...numbersFromCounters(item).sagas, updatedAt: item.updatedAt ?? emptySummary.updatedAt };
    }),
  },
});
