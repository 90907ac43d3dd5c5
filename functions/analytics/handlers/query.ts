import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parseWith } from '../../kernel/domain/commands.js';
import { KernelConfigurationError } from '../../kernel/errors.js';
import { withObservability } from '../../kernel/observability.js';
import { documentClient } from '../../kernel/store/dynamodb.js';
import * as z from '../../kernel/zod.js';
import { CUSTOMER_SUMMARY_KEY, type CustomerSummary } from '../read-model/customer-summary.js';
import { numbersFromCounters } from '../read-model/sales-counters.js';
import type { OrderFacts, SagaFacts, SalesSummary } from '../read-model/sales-summary.js';
import { SALES_SUMMARY_KEY, SALES_SUMMARY_TABLE_ENV } from '../read-model/sales-summary.js';
import { factsFromItem, idOf, ORDER_PREFIX, SAGA_PREFIX } from './sales-facts-store.js';

/** At most this many per-order and per-saga facts in an answer: they are items of their own, one per record. */
export const DETAILS_LIMIT = 1_000;

/**
 * `{}` for the published numbers; `{ includeDetails: true }` adds the per-order and per-saga facts (the first
 * DETAILS_LIMIT the table yields: for looking into a few, not for exporting them).
 */
export const salesSummaryQuerySchema = z.strictObject({ includeDetails: z.optional(z.boolean()) });

/** The published numbers of SalesSummary and CustomerSummary; per-record facts only when asked for. */
export type SalesSummaryAnswer = Pick<SalesSummary, 'days' | 'ordersByStatus' | 'sagas' | 'updatedAt'> &
  Partial<Pick<SalesSummary, 'orders' | 'sagaRuns'>> & {
    readonly customers?: Pick<CustomerSummary, 'registered' | 'deleted' | 'signupsByDay'>;
  };

/** Before the first event: nothing counted yet. */
export const emptySummary: SalesSummaryAnswer = {
  days: [],
  ordersByStatus: { PENDING: 0, CONFIRMED: 0, SHIPPED: 0, DELIVERED: 0, CANCELLED: 0 },
  sagas: { started: 0, running: 0, succeeded: 0, compensated: 0, failed: 0, successRate: null },
  updatedAt: new Date(0).toISOString(),
};

let client: ReturnType<typeof documentClient> | undefined;

/** Reads SalesSummary (one item, strongly consistent): for the console, a GraphQL resolver or a script. */
export const handler = withObservability({ service: 'analytics' }, async (event: unknown, _ctx, tools) => {
  const query = parseWith(salesSummaryQuerySchema, event ?? {}, {
    message: 'a SalesSummary query is { includeDetails?: boolean }',
  });
  const tableName = process.env[SALES_SUMMARY_TABLE_ENV];
  if (!tableName) throw new KernelConfigurationError(`${SALES_SUMMARY_TABLE_ENV} is not set`);
  client ??= documentClient(tools.captureClient(new DynamoDBClient({})));
  const read = (id: string) =>
    client!.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }));
  // The facts before the counters: a fact and its counts are written in one transaction, so the counters read
  // after it count at least every fact it returned (read the other way, a transaction between the two reads
  // would show a fact its counters do not have yet).
  const details = query.includeDetails ? await readDetails(client, tableName) : {};
  const [sales, customerItem] = await Promise.all([read(SALES_SUMMARY_KEY), read(CUSTOMER_SUMMARY_KEY)]);
  const customers = customerItem.Item as CustomerSummary | undefined;
  const onboarding = customers
    ? {
        customers: {
          registered: customers.registered,
          deleted: customers.deleted,
          signupsByDay: customers.signupsByDay,
        },
      }
    : {};
  if (!sales.Item) return { ...emptySummary, ...onboarding, ...details };
  // The numbers are counters on the summary item (kept by delta); the facts are items of their own.
  return {
    ...numbersFromCounters(sales.Item),
    updatedAt: typeof sales.Item.updatedAt === 'string' ? sales.Item.updatedAt : emptySummary.updatedAt,
    ...onboarding,
    ...details,
  } satisfies SalesSummaryAnswer;
});

/** Per-order and per-saga facts, up to DETAILS_LIMIT, by a Scan that stops there. */
async function readDetails(
  db: DynamoDBDocumentClient,
  tableName: string,
): Promise<Pick<SalesSummary, 'orders' | 'sagaRuns'>> {
  const orders: Record<string, OrderFacts> = {};
  const sagaRuns: Record<string, SagaFacts> = {};
  let seen = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
        FilterExpression: 'begins_with(id, :o) OR begins_with(id, :s)',
        ExpressionAttributeValues: { ':o': ORDER_PREFIX, ':s': SAGA_PREFIX },
      }),
    );
    for (const item of page.Items ?? []) {
      if (seen >= DETAILS_LIMIT) break;
      const key = String(item.id);
      const facts = factsFromItem(key, item);
      if (facts.order) orders[idOf(key)] = facts.order;
      else if (facts.saga) sagaRuns[idOf(key)] = facts.saga;
      else continue;
      seen += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && seen < DETAILS_LIMIT);
  return { orders, sagaRuns };
}
