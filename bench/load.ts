/**
 * A load run against a running local cloud (or any deployment's GraphQL endpoint): N orders at a given
 * concurrency through the Merged API's `placeOrder`, then every order followed to a terminal saga outcome,
 * with the invariants a shop owes its customers checked at the end:
 * - every order accepted (placeOrder answered with an order, no error);
 * - every order reaches CONFIRMED or later — or CANCELLED only with a business reason (never a throttle,
 *   a timeout or a Lambda service error);
 * - exactly one saga execution per order;
 * - stock conserved: for each SKU, available + reserved equals the stock the run started with, and what is
 *   reserved is exactly what the confirmed orders bought (a cancelled order's units came back).
 * It measures and reports; it asserts nothing about time (speed lives in `npm run bench`).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig, discovery } from '../scripts/gameday/target.js';
import { orderReadModels } from './order-read-models.js';

export interface LoadOptions {
  /** The GraphQL endpoint. */
  readonly graphqlUrl: string;
  /** The local cloud's AWS endpoint (Step Functions for saga histories). */
  readonly awsEndpoint: string;
  readonly apiKey: string;
  readonly orders: number;
  readonly concurrency: number;
  /** How many SKUs the orders spread over (added for the run with ample stock). @default 8 */
  readonly skus?: number;
  /**
   * Calls the Step Functions API (action, JSON body); a deployed stage needs a signed client here.
   * @default an unsigned call to `awsEndpoint` (the local cloud checks no signature)
   */
  readonly stepFunctions?: <T>(action: string, body: unknown) => Promise<T>;
  /**
   * How many of the run's SKUs orders' PriceList holds. PlaceOrder prices from it, and it is fed by inventory's
   * ProductAdded through the orders projector, so the run waits for it as for ProductView before placing
   * orders (otherwise a lagging projector answers the first orders `unknown SKU`). A deployed stage needs
   * signed reads here. @default a read at `awsEndpoint`: the table found by service discovery (stage `dev`),
   * then BatchGetItem (`bench/order-read-models.ts`)
   */
  readonly priceListed?: (skus: readonly string[]) => Promise<number>;
  /**
   * The statuses orders' OrderView shows (order id → status; an order it does not hold yet is left out). The
   * run polls it until every ended saga's order shows a terminal status, then reads each order once through
   * the API, as its customer would: the harness's polling is not billed to orders as AppSync operations and
   * resolver invocations. A deployed stage needs signed reads here. @default as `priceListed`, OrderView
   */
  readonly orderViews?: (orderIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  /** How long to wait for every saga to end after the last ack. @default 180_000 */
  readonly settleTimeoutMs?: number;
  /** How long, after the sagas ended, the orders' views may take to show them terminal. @default 60 s */
  readonly readModelGraceMs?: number;
  readonly log?: (line: string) => void;
}

export interface OrderOutcome {
  readonly orderId?: string;
  readonly sku: string;
  readonly quantity: number;
  readonly ackMs: number;
  readonly error?: string;
  status?: string;
  failureReason?: string | null;
  sagaMs?: number;
}

export interface LoadReport {
  /** The customer every order of the run was placed for. */
  readonly customerId: string;
  readonly orders: number;
  readonly concurrency: number;
  readonly accepted: number;
  readonly refused: number;
  readonly confirmed: number;
  readonly cancelled: number;
  readonly pending: number;
  readonly refusals: readonly string[];
  readonly cancellations: readonly string[];
  /** Wall time from the first placeOrder to the last saga's end. */
  readonly wallMs: number;
  readonly ordersPerSecond: number;
  readonly ackMs: Percentiles;
  readonly sagaMs: Percentiles;
  readonly sagaExecutions: number;
  /**
   * From the last saga's end until every order's view showed its terminal status (read models are fed by
   * events, behind the saga): how far the read side lagged at the end of the run.
   */
  readonly readModelLagMs: number;
  /** Sagas that ended SUCCEEDED (the read model may still show PENDING while its projector catches up). */
  readonly sagasSucceeded: number;
  readonly duplicateSagas: number;
  readonly stockViolations: readonly string[];
  readonly outcomes: readonly OrderOutcome[];
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Reasons that are the customer's or the shop's business, not the platform's health. */
const BUSINESS_REASONS = [/declin/i, /insufficient|out of stock|not enough/i, /country|ship/i];

export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

async function graphql<T>(
  options: LoadOptions,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: Array<{ message: string; errorType?: string }> }> {
  const response = await fetch(options.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string; errorType?: string }> };
}

/** A Step Functions JSON API call against the endpoint (the local cloud checks no signature). */
export async function sfn<T>(
  options: Pick<LoadOptions, 'awsEndpoint'>,
  action: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(options.awsEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AWSStepFunctions.${action}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${action}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Orders' read models at the local endpoint, found by service discovery (stage `dev`) as the game day finds them
 * on its target; `destroy` closes the clients when the run ends.
 */
function localReadModels(options: Pick<LoadOptions, 'awsEndpoint'>) {
  const target = { endpoint: options.awsEndpoint, region: 'us-east-1', stage: 'dev' };
  const tables = discovery(target);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(target)));
  return {
    ...orderReadModels(client, (readModel) => tables.get('orders', `read-models/${readModel}/table-name`)),
    destroy(): void {
      client.destroy();
      tables.destroy();
    },
  };
}

interface ProductRow {
  sku: string;
  available: number;
  reserved: number;
}

async function products(options: LoadOptions, skus: readonly string[]): Promise<Map<string, ProductRow>> {
  const { data, errors } = await graphql<{ products: ProductRow[] }>(
    options,
    '{ products { sku available reserved } }',
  );
  if (!data) throw new Error(`products: ${JSON.stringify(errors)}`);
  return new Map(data.products.filter((p) => skus.includes(p.sku)).map((p) => [p.sku, p]));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long an ended saga's order may take to show its terminal status in OrderView (a read model). */
const READ_MODEL_GRACE_MS = 60_000;
const TERMINAL_VIEW = ['CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  // Made whether used or not (an SDK client opens no connection until its first call), closed at the end.
  const local = localReadModels(options);
  try {
    return await load(options, {
      priceListed: options.priceListed ?? local.priceListed,
      orderViews: options.orderViews ?? local.orderViews,
    });
  } finally {
    local.destroy();
  }
}

async function load(
  options: LoadOptions,
  { priceListed, orderViews }: Required<Pick<LoadOptions, 'priceListed' | 'orderViews'>>,
): Promise<LoadReport> {
  const log = options.log ?? (() => {});
  const run = randomUUID().slice(0, 8).toUpperCase();
  const skuCount = options.skus ?? 8;
  const skus = Array.from({ length: skuCount }, (_, i) => `LOAD-${run}-${i}`);
  const initialStock = options.orders * 3 + 10;
  for (const sku of skus) {
    const { errors } = await graphql(
      options,
      'mutation($input: AddProductInput!) { addProduct(input: $input) { sku } }',
      { input: { sku, name: `Load test item ${sku}`, price: 1000, currency: 'USD', initialStock } },
    );
    if (errors) throw new Error(`addProduct ${sku}: ${JSON.stringify(errors)}`);
  }
  // The catalogue's read models (ProductView, orders' PriceList) are fed by events: wait until they list them.
  const seededBy = Date.now() + 60_000;
  for (;;) {
    const listed = await products(options, skus);
    const priced = listed.size === skus.length ? await priceListed(skus) : 0;
    if (priced === skus.length) break;
    if (Date.now() > seededBy)
      throw new Error(
        `products not projected: ${listed.size}/${skus.length} in ProductView, ${priced} in orders' PriceList`,
      );
    await sleep(200);
  }
  log(
    `load: ${skus.length} SKUs with ${initialStock} each; ${options.orders} orders at ${options.concurrency}`,
  );

  const outcomes: OrderOutcome[] = [];
  let next = 0;
  const started = Date.now();
  const customer = `load-${run}`;
  const worker = async () => {
    while (next < options.orders) {
      const index = next++;
      const sku = skus[index % skus.length] as string;
      const quantity = 1 + (index % 3);
      const t0 = performance.now();
      let outcome: OrderOutcome;
      try {
        const { data, errors } = await graphql<{ placeOrder: { id: string; status: string } }>(
          options,
          'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }',
          {
            input: {
              customerId: customer,
              items: [{ sku, quantity }],
              paymentToken: 'tok_visa',
              shippingAddress: {
                line1: '1 Main St',
                city: 'Springfield',
                postalCode: '12345',
                country: 'US',
              },
              idempotencyKey: `${run}-${index}`,
            },
          },
        );
        const ackMs = performance.now() - t0;
        outcome = data?.placeOrder
          ? { orderId: data.placeOrder.id, sku, quantity, ackMs }
          : { sku, quantity, ackMs, error: errors?.map((e) => e.errorType ?? e.message).join(', ') ?? '?' };
      } catch (error) {
        outcome = { sku, quantity, ackMs: performance.now() - t0, error: String(error) };
      }
      outcomes.push(outcome);
      if (outcomes.length % 50 === 0) log(`load: ${outcomes.length}/${options.orders} placed`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const placedMs = Date.now() - started;
  log(`load: all placed in ${(placedMs / 1000).toFixed(1)} s; following the sagas`);

  // Follow every accepted order to its saga's end through Step Functions (the saga is named by the order id).
  const call = options.stepFunctions ?? (<T>(action: string, body: unknown) => sfn<T>(options, action, body));
  const { stateMachines } = await call<{ stateMachines: Array<{ stateMachineArn: string; name: string }> }>(
    'ListStateMachines',
    {},
  );
  const saga = stateMachines.find((machine) => /fulfil/i.test(machine.name)) ?? stateMachines[0];
  if (!saga) throw new Error('no state machine');
  const accepted = outcomes.filter((o) => o.orderId);
  const deadline = Date.now() + (options.settleTimeoutMs ?? 180_000);
  let executions: Array<{ name: string; status: string; startDate: number; stopDate?: number }> = [];
  for (;;) {
    executions = [];
    let nextToken: string | undefined;
    do {
      const page = await call<{ executions: typeof executions; nextToken?: string }>('ListExecutions', {
        stateMachineArn: saga.stateMachineArn,
        maxResults: 1000,
        ...(nextToken ? { nextToken } : {}),
      });
      executions.push(...page.executions);
      nextToken = page.nextToken;
    } while (nextToken);
    const byName = new Map(executions.map((e) => [e.name, e]));
    const running = accepted.filter(
      (o) =>
        byName.get(o.orderId as string)?.status !== 'SUCCEEDED' &&
        byName.get(o.orderId as string)?.status !== 'FAILED',
    );
    if (running.length === 0 || Date.now() > deadline) break;
    await sleep(250);
  }
  const wallMs = Date.now() - started;
  const ours = executions.filter((e) => accepted.some((o) => o.orderId === e.name));
  const byName = new Map<string, typeof executions>();
  for (const execution of ours)
    byName.set(execution.name, [...(byName.get(execution.name) ?? []), execution]);
  for (const outcome of accepted) {
    const execution = byName.get(outcome.orderId as string)?.[0];
    if (execution?.stopDate) outcome.sagaMs = (execution.stopDate - execution.startDate) * 1000;
  }

  // The order's own view: its status and failure reason. The view is a read model, fed by events after the
  // saga's steps: polled (OrderView itself) until every order whose saga ended shows a terminal status there,
  // for up to READ_MODEL_GRACE_MS; how long that took is the run's read-model lag (an order still PENDING then
  // is a violation: a read model behind, silently).
  const sagasEndedAt = Date.now();
  const viewDeadline = sagasEndedAt + (options.readModelGraceMs ?? READ_MODEL_GRACE_MS);
  let unsettled = accepted;
  for (;;) {
    const views = await orderViews(unsettled.map((o) => o.orderId as string));
    for (const outcome of unsettled) outcome.status = views.get(outcome.orderId as string) ?? 'MISSING';
    unsettled = unsettled.filter((o) => o.sagaMs !== undefined && !TERMINAL_VIEW.includes(o.status ?? ''));
    if (unsettled.length === 0 || Date.now() > viewDeadline) break;
    await sleep(250);
  }
  const readModelLagMs = Date.now() - sagasEndedAt;
  // Then each order once through the API, as its customer reads it: what the invariants below judge.
  for (let i = 0; i < accepted.length; i += 16) {
    await Promise.all(
      accepted.slice(i, i + 16).map(async (outcome) => {
        const { data } = await graphql<{ order: { status: string; failureReason: string | null } | null }>(
          options,
          'query($id: ID!) { order(id: $id) { status failureReason } }',
          { id: outcome.orderId },
        );
        outcome.status = data?.order?.status ?? 'MISSING';
        outcome.failureReason = data?.order?.failureReason ?? null;
      }),
    );
  }

  // Stock conservation once the read model has caught up with every reservation and release.
  const stockViolations: string[] = [];
  const sold = new Map<string, number>();
  for (const o of accepted)
    if (o.status && o.status !== 'CANCELLED' && o.status !== 'PENDING' && o.status !== 'MISSING')
      sold.set(o.sku, (sold.get(o.sku) ?? 0) + o.quantity);
  const stockBy = Date.now() + 30_000;
  for (;;) {
    const rows = await products(options, skus);
    stockViolations.length = 0;
    for (const sku of skus) {
      const row = rows.get(sku);
      const soldQty = sold.get(sku) ?? 0;
      if (!row) stockViolations.push(`${sku}: missing`);
      else if (row.available + row.reserved !== initialStock || row.reserved !== soldQty)
        stockViolations.push(
          `${sku}: available ${row.available} + reserved ${row.reserved} != ${initialStock}, or reserved != sold ${soldQty}`,
        );
    }
    if (stockViolations.length === 0 || Date.now() > stockBy) break;
    await sleep(500);
  }

  const refused = outcomes.filter((o) => o.error);
  const cancelled = accepted.filter((o) => o.status === 'CANCELLED');
  const confirmed = accepted.filter((o) => ['CONFIRMED', 'SHIPPED', 'DELIVERED'].includes(o.status ?? ''));
  const ended = accepted.filter((o) => o.sagaMs !== undefined);
  return {
    customerId: customer,
    orders: options.orders,
    concurrency: options.concurrency,
    accepted: accepted.length,
    refused: refused.length,
    confirmed: confirmed.length,
    cancelled: cancelled.length,
    pending: accepted.length - confirmed.length - cancelled.length,
    refusals: countBy(refused.map((o) => o.error as string)),
    cancellations: countBy(
      cancelled
        .filter((o) => !BUSINESS_REASONS.some((re) => re.test(o.failureReason ?? '')))
        .map((o) => o.failureReason ?? '(no reason)'),
    ),
    wallMs,
    ordersPerSecond: (confirmed.length / wallMs) * 1000,
    ackMs: percentiles(outcomes.map((o) => o.ackMs)),
    sagaMs: percentiles(ended.map((o) => o.sagaMs as number)),
    readModelLagMs,
    sagaExecutions: ours.length,
    sagasSucceeded: ours.filter((execution) => execution.status === 'SUCCEEDED').length,
    duplicateSagas: [...byName.values()].filter((list) => list.length > 1).length,
    stockViolations,
    outcomes,
  };
}

function countBy(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].map(([value, n]) => `${n}× ${value}`);
}

/** The invariants a load run must keep, as lines that say what broke (empty when all hold). */
export function violations(report: LoadReport): string[] {
  const found: string[] = [];
  if (report.refused > 0) found.push(`${report.refused} orders refused: ${report.refusals.join('; ')}`);
  if (report.pending > 0) found.push(`${report.pending} orders not terminal`);
  if (report.cancellations.length > 0)
    found.push(`orders cancelled without a business reason: ${report.cancellations.join('; ')}`);
  if (report.sagaExecutions !== report.accepted || report.duplicateSagas > 0)
    found.push(
      `${report.sagaExecutions} sagas for ${report.accepted} orders (${report.duplicateSagas} twice)`,
    );
  if (report.stockViolations.length > 0)
    found.push(`stock not conserved: ${report.stockViolations.join('; ')}`);
  return found;
}
