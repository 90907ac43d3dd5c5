import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { parseWith } from '../../kernel/domain/commands.js';
import { KernelConfigurationError } from '../../kernel/errors.js';
import { withObservability } from '../../kernel/observability.js';
import { documentClient } from '../../kernel/store/environment.js';
import { CUSTOMER_SUMMARY_KEY, type CustomerSummary } from '../read-model/customer-summary.js';
import type { SalesSummary } from '../read-model/sales-summary.js';
import {
  SALES_SUMMARY_KEY,
  SALES_SUMMARY_TABLE_ENV,
  salesSummaryCodec,
} from '../read-model/sales-summary.js';

/** `{}` for the published numbers; `{ includeDetails: true }` adds the per-order and per-saga facts. */
export const salesSummaryQuerySchema = z.strictObject({ includeDetails: z.boolean().optional() });

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
  if (!sales.Item) return { ...emptySummary, ...onboarding };
  // The per-order and per-saga facts are stored as short strings (the codec); the numbers as they are.
  const summary = salesSummaryCodec.fromItem(sales.Item);
  const { days, ordersByStatus, sagas, updatedAt } = summary;
  return {
    days,
    ordersByStatus,
    sagas,
    updatedAt,
    ...onboarding,
    ...(query.includeDetails ? { orders: summary.orders, sagaRuns: summary.sagaRuns } : {}),
  } satisfies SalesSummaryAnswer;
});
