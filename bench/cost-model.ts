/**
 * Dollars per million orders: usage per order, counted by the benchmark, times a dated public price table.
 * Pure: no I/O, no clock. `scripts/cost.ts` reads the usage, prints and writes the result.
 *
 * Two things this model deliberately does not do, so for a given usage its numbers are an upper bound:
 * - free tiers are NOT applied (Lambda's 1M requests and 400,000 GB-s, Step Functions' 4,000 transitions, ...);
 * - volume tiers are NOT applied: every line uses the first (dearest) tier's price.
 */
import { z } from 'zod';
import type { Price, PriceKey, PriceTable } from './cost-prices.js';

export { type Price, type PriceKey, type PriceTable, US_EAST_1 } from './cost-prices.js';

const count = (what: string) => z.number().nonnegative().describe(what);

/**
 * Usage of ONE order, averaged over a run (fractions are fine: 0.3 cold starts per order). The benchmark
 * writes it as `usagePerOrder` in bench/results/latest.json. Unknown fields are refused: a usage the model
 * does not price would silently cost nothing.
 */
export const OrderUsage = z
  .object({
    lambdaInvocations: count(
      'Lambda invocations of every function the order touches (resolvers, saga steps, starters, relays, ' +
        'projectors, reactions), retries included.',
    ),
    lambdaGbSeconds: count(
      'Sum over those invocations of billed duration (1 ms granularity) × configured memory in GB ' +
        '(MB / 1024), arm64. Init is NOT in here.',
    ),
    lambdaInitGbSeconds: count(
      'Sum of INIT (cold start) duration × memory in GB. Billed like invoke duration for on-demand ZIP ' +
        'functions on managed runtimes since 1 Aug 2025.',
    ),
    stateTransitions: count(
      'Step Functions state transitions of the saga (retries included). Billed only for STANDARD.',
    ),
    sagaExecutions: count('Saga executions started per order (1, unless something restarts it).'),
    sagaDurationMs: count(
      'Mean wall duration of one saga execution, start to end. EXPRESS bills it rounded up to 100 ms; the ' +
        'model rounds the mean, which is exact when executions take similar times.',
    ),
    sagaMemoryMb: count(
      'Memory an EXPRESS execution is billed for, rounded up to 64 MB chunks. AWS estimates it as 50 MB + ' +
        'definition size + execution data size (× Map/Parallel iterations); the saga has no Map or Parallel ' +
        'and carries a few KB, so 64 MB. The ExpressExecutionBilledMemory metric confirms it once deployed.',
    ).default(64),
    eventsPublished: count(
      'EventBridge PutEvents entries on the custom bus, counted in 64 KB chunks (a 100 KB entry is 2).',
    ),
    eventsDeliveredToTargets: count(
      'Rule matches delivered to targets. Free for same-account targets (all of ours); counted to show it.',
    ),
    dynamoWriteRequestUnits: count(
      'DynamoDB on-demand write request units: 1 per 1 KB written, 2 per 1 KB in a transaction ' +
        '(TransactWriteItems: puts and condition checks), idempotency and projection writes included.',
    ),
    dynamoReadRequestUnits: count(
      'DynamoDB on-demand read request units: 1 per 4 KB strongly consistent, 0.5 eventually consistent, ' +
        '2 transactional.',
    ),
    streamReadRequests: count(
      'DynamoDB Streams GetRecords calls. Free when made by Lambda event source mappings (all of ours).',
    ),
    sqsRequests: count(
      'SQS standard API requests (Send, Receive, Delete; empty polls of event source mappings included), ' +
        'each 64 KB chunk of a payload counting as one request.',
    ),
    appsyncOperations: count('AppSync GraphQL queries and mutations (not subscriptions) for the order.'),
    appsyncRealtimeMessages: count(
      'AppSync real-time updates: subscription messages delivered to clients (and WebSocket operations).',
    ),
    appsyncConnectionMinutes: count(
      'AppSync WebSocket connection-minutes attributable to the order (e.g. a checkout page subscribed).',
    ).default(0),
    logBytes: count(
      'CloudWatch Logs bytes ingested: function logs and platform lines (START/END/REPORT), plus the ' +
        "saga's log group (LogLevel.ALL with execution data).",
    ),
    xrayTracesRecorded: count('X-Ray traces recorded (one trace id = one trace, however many segments).'),
    xrayTracesRetrieved: count('X-Ray traces retrieved or scanned (dashboards, queries).').default(0),
  })
  .strict();

/** A validated usage (defaults filled in). */
export type OrderUsage = z.infer<typeof OrderUsage>;
/** What the benchmark may write (fields with a default may be left out). */
export type OrderUsageInput = z.input<typeof OrderUsage>;

/** The usage does not match `OrderUsage`: `fields` names each offending field, `problems` says what is wrong. */
export class UsageValidationError extends Error {
  override readonly name = 'UsageValidationError';
  readonly code = 'INVALID_USAGE';

  constructor(
    readonly fields: readonly string[],
    /** One line per problem: `<field>: <what is wrong>`. */
    readonly problems: readonly string[],
    options: { cause: z.ZodError },
  ) {
    super(`invalid usage per order: ${problems.join('; ')}`, options);
  }
}

/** Validate a usage per order; throws `UsageValidationError` naming every bad, missing or unknown field. */
export function parseOrderUsage(input: unknown): OrderUsage {
  const result = OrderUsage.safeParse(input);
  if (result.success) return result.data;
  const given = typeof input === 'object' && input !== null ? input : {};
  const fields: string[] = [];
  const problems: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      fields.push(...issue.keys);
      problems.push(...issue.keys.map((key) => `${key}: not a usage field the model prices`));
      continue;
    }
    const field = issue.path.join('.') || '(root)';
    const missing = issue.path.length === 1 && !(String(issue.path[0]) in given);
    fields.push(field);
    problems.push(`${field}: ${missing ? 'missing' : issue.message}`);
  }
  throw new UsageValidationError(fields, problems, { cause: result.error });
}

export type Workflow = 'STANDARD' | 'EXPRESS';

/** What a sane order costs at most, in dollars per million orders. */
export const TARGET_USD_PER_MILLION_ORDERS = 40;

const ORDERS = 1_000_000;
const BYTES_PER_GB = 1024 ** 3;
const EXPRESS_DURATION_STEP_MS = 100;
const EXPRESS_MEMORY_STEP_MB = 64;

export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly priceKey: PriceKey;
  /** Per million orders, in the price's unit. */
  readonly quantity: number;
  readonly price: Price;
  readonly usd: number;
}

export interface CostBreakdown {
  readonly workflow: Workflow;
  readonly region: string;
  readonly freeTiersApplied: false;
  readonly lines: readonly LineItem[];
  /** Dollars per million orders. */
  readonly totalUsd: number;
}

/** Billed GB-seconds of one EXPRESS execution: duration up to 100 ms, memory up to 64 MB. */
export function expressGbSecondsPerExecution(durationMs: number, memoryMb: number): number {
  const billedMs = Math.ceil(durationMs / EXPRESS_DURATION_STEP_MS) * EXPRESS_DURATION_STEP_MS;
  const billedMb = Math.max(1, Math.ceil(memoryMb / EXPRESS_MEMORY_STEP_MB)) * EXPRESS_MEMORY_STEP_MB;
  return (billedMs / 1000) * (billedMb / 1024);
}

/** Dollars per million orders, line by line, for the saga run as `workflow`. Free tiers not applied. */
export function costPerMillionOrders(
  usage: OrderUsage,
  prices: PriceTable,
  workflow: Workflow,
): CostBreakdown {
  const line = (service: string, item: string, priceKey: PriceKey, perOrder: number): LineItem => {
    const price = prices.prices[priceKey];
    const quantity = perOrder * ORDERS;
    return { service, item, priceKey, quantity, price, usd: (quantity * price.usd) / price.per };
  };
  const saga =
    workflow === 'STANDARD'
      ? [line('Step Functions', 'Standard state transitions', 'sfnStateTransitions', usage.stateTransitions)]
      : [
          line('Step Functions', 'Express requests', 'sfnExpressRequests', usage.sagaExecutions),
          line(
            'Step Functions',
            'Express duration',
            'sfnExpressDuration',
            usage.sagaExecutions * expressGbSecondsPerExecution(usage.sagaDurationMs, usage.sagaMemoryMb),
          ),
        ];
  const lines = [
    line('Lambda', 'requests', 'lambdaRequests', usage.lambdaInvocations),
    line('Lambda', 'duration (arm64)', 'lambdaDuration', usage.lambdaGbSeconds),
    line('Lambda', 'init duration', 'lambdaInitDuration', usage.lambdaInitGbSeconds),
    ...saga,
    line('EventBridge', 'custom events', 'eventBridgeEvents', usage.eventsPublished),
    line('EventBridge', 'deliveries to targets', 'eventBridgeDeliveries', usage.eventsDeliveredToTargets),
    line('DynamoDB', 'write request units', 'dynamoWrites', usage.dynamoWriteRequestUnits),
    line('DynamoDB', 'read request units', 'dynamoReads', usage.dynamoReadRequestUnits),
    line('DynamoDB', 'stream reads (Lambda)', 'dynamoStreamReads', usage.streamReadRequests),
    line('SQS', 'requests', 'sqsRequests', usage.sqsRequests),
    line('AppSync', 'queries + mutations', 'appsyncOperations', usage.appsyncOperations),
    line('AppSync', 'real-time updates', 'appsyncRealtimeMessages', usage.appsyncRealtimeMessages),
    line('AppSync', 'connection-minutes', 'appsyncConnectionMinutes', usage.appsyncConnectionMinutes),
    line('CloudWatch Logs', 'ingestion', 'logsIngestion', usage.logBytes / BYTES_PER_GB),
    line('X-Ray', 'traces recorded', 'xrayTracesRecorded', usage.xrayTracesRecorded),
    line('X-Ray', 'traces retrieved', 'xrayTracesRetrieved', usage.xrayTracesRetrieved),
  ];
  const totalUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  return { workflow, region: prices.region, freeTiersApplied: false, lines, totalUsd };
}
