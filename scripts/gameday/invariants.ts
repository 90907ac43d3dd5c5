/**
 * The business invariants a game day must keep whatever was injected: pure functions over what collect.ts read
 * from the stores, read models, metrics and queues after every saga ended. Each says how it is measured.
 */
import type {
  Collected,
  DeadLetterDepth,
  EffectCounts,
  InvariantResult,
  OrderRecord,
  PaymentRecord,
  RuleDeliveries,
  StockRecord,
} from './model.js';

/** Statuses of an order that stands: the customer keeps the goods and pays for them. */
export const STANDING = new Set(['CONFIRMED', 'SHIPPED', 'DELIVERED']);
const SHOWN = 10;

function result(
  id: InvariantResult['id'],
  title: string,
  measuredBy: string,
  figures: Record<string, number>,
  violations: string[],
): InvariantResult {
  const shown =
    violations.length > SHOWN
      ? [...violations.slice(0, SHOWN), `… ${violations.length - SHOWN} more`]
      : violations;
  return { id, title, measuredBy, figures, holds: violations.length === 0, violations: shown };
}

const accepted = (orders: readonly OrderRecord[]) =>
  orders.filter((o): o is OrderRecord & { orderId: string } => o.orderId !== undefined);

/**
 * Every order is terminal: CONFIRMED/SHIPPED/DELIVERED, or CANCELLED with a failure reason. Measured: each
 * order's status and failureReason in the orders read model (OrderView, by id and by the window's customer)
 * once its saga execution ended. A refused placeOrder counts in the hypothesis; if the platform stored the
 * order anyway it is here too (`placedDespiteRefusal`), as every order the platform holds must end.
 */
export function everyOrderTerminal(orders: readonly OrderRecord[]): InvariantResult {
  const violations: string[] = [];
  let standing = 0;
  let cancelled = 0;
  for (const order of accepted(orders)) {
    if (STANDING.has(order.status ?? '')) standing++;
    else if (order.status === 'CANCELLED' && order.failureReason) cancelled++;
    else if (order.status === 'CANCELLED') violations.push(`${order.orderId}: CANCELLED without a reason`);
    else violations.push(`${order.orderId}: ${order.status ?? 'not found'}`);
  }
  return result(
    'terminal',
    'every order terminal',
    'status and failureReason of each order in the orders read model (OrderView), after its saga execution ended',
    {
      orders: accepted(orders).length,
      standing,
      cancelled,
      notTerminal: violations.length,
      placedDespiteRefusal: orders.filter((o) => o.unacknowledged).length,
    },
    violations,
  );
}

/**
 * No unit oversold and stock conserved per SKU. Measured: `stocked` = ProductAdded.initialStock + every
 * StockRestocked from the product's own event stream (`product#<sku>`); `available` and `reserved` from the
 * product read model (ProductView). A confirmed order keeps its reservation (there is no separate "sold"
 * counter), so per SKU: available ≥ 0, reserved = units of the orders that stand (nothing held by a cancelled
 * or unfinished order), and stocked − sold − (reserved − sold) = available, i.e. available + reserved = stocked.
 */
export function stockConserved(
  stock: readonly StockRecord[],
  orders: readonly OrderRecord[],
): InvariantResult {
  const sold = new Map<string, number>();
  for (const order of accepted(orders))
    if (STANDING.has(order.status ?? '')) sold.set(order.sku, (sold.get(order.sku) ?? 0) + order.quantity);
  const violations: string[] = [];
  let oversold = 0;
  let unitsSold = 0;
  for (const row of stock) {
    const soldQty = sold.get(row.sku) ?? 0;
    unitsSold += soldQty;
    if (row.available < 0 || row.reserved < 0 || soldQty > row.stocked) {
      oversold += Math.max(0, -row.available, soldQty - row.stocked);
      violations.push(
        `${row.sku}: oversold (stocked ${row.stocked}, sold ${soldQty}, available ${row.available})`,
      );
    } else if (row.available + row.reserved !== row.stocked)
      violations.push(
        `${row.sku}: available ${row.available} + reserved ${row.reserved} ≠ stocked ${row.stocked}`,
      );
    else if (row.reserved !== soldQty)
      violations.push(`${row.sku}: reserved ${row.reserved} ≠ units of the orders that stand ${soldQty}`);
  }
  for (const sku of sold.keys())
    if (!stock.some((row) => row.sku === sku)) violations.push(`${sku}: sold but not in the catalogue`);
  return result(
    'stock',
    'no unit oversold, stock conserved per SKU',
    'per SKU: initialStock + restocks from the product event stream against available and reserved in ProductView and the units of the orders that stand',
    { skus: stock.length, unitsSold, oversold },
    violations,
  );
}

/**
 * Money conserved: charged − refunded = the totals of the orders that stand, per order and in sum. Measured:
 * PaymentView (payments read model, by order id) for amount and refundedAmount, cross-checked with the sum of
 * PaymentRefunded in the payment's own stream; the order's total from OrderView. A cancelled order owes 0.
 */
export function moneyConserved(
  orders: readonly OrderRecord[],
  payments: readonly PaymentRecord[],
): InvariantResult {
  const byOrder = new Map(payments.map((p) => [p.orderId, p]));
  const violations: string[] = [];
  let charged = 0;
  let refunded = 0;
  let owed = 0;
  for (const order of accepted(orders)) {
    const payment = byOrder.get(order.orderId);
    const paid = payment && payment.status !== 'DECLINED' ? payment.amount : 0;
    const back = payment && payment.status !== 'DECLINED' ? payment.refundedAmount : 0;
    const due = STANDING.has(order.status ?? '') ? (order.total ?? Number.NaN) : 0;
    charged += paid;
    refunded += back;
    owed += due;
    if (Number.isNaN(due)) violations.push(`${order.orderId}: stands but its total is unknown`);
    else if (paid - back !== due)
      violations.push(`${order.orderId} (${order.status}): charged ${paid} − refunded ${back} ≠ owed ${due}`);
    if (payment && payment.refundedInStore !== payment.refundedAmount)
      violations.push(
        `${order.orderId}: PaymentView refunded ${payment.refundedAmount} ≠ the stream's refunds ${payment.refundedInStore}`,
      );
  }
  return result(
    'money',
    'money conserved: charged − refunded = totals of the orders that stand',
    'PaymentView amount/refundedAmount per order (refunds cross-checked against PaymentRefunded in the payment stream) against OrderView totals of CONFIRMED/SHIPPED/DELIVERED orders',
    { charged, refunded, owed, difference: charged - refunded - owed },
    violations,
  );
}

/**
 * Every published event delivered to each subscribed target or sitting in a dead-letter queue. Measured with
 * the `AWS/Events` metrics per rule over the game day (GetMetricData, as on a deployed stage): each matched
 * event makes one invocation per target once it ends (delivered or failed), so a rule loses events when
 * MatchedEvents × targets > Invocations (an event never ended), when FailedInvocations > InvocationsSentToDlq
 * (a failure dropped), or when InvocationsFailedToBeSentToDlq > 0. A dead-letter queue's depth is read from SQS
 * (ApproximateNumberOfMessages + NotVisible) before and after: what grew and was not moved back is reported as
 * waiting there, which the invariant accepts.
 */
export function eventsAccountedFor(
  rules: readonly RuleDeliveries[],
  deadLetters: readonly DeadLetterDepth[],
): InvariantResult {
  const violations: string[] = [];
  let matched = 0;
  let deliveries = 0;
  let lost = 0;
  for (const rule of rules) {
    const expected = rule.matched * rule.targets;
    matched += rule.matched;
    deliveries += expected;
    const unended = Math.max(0, expected - rule.invocations);
    const dropped = Math.max(0, rule.failed - rule.sentToDlq - rule.failedToDlq);
    const ruleLost = unended + dropped + rule.failedToDlq;
    lost += ruleLost;
    if (ruleLost > 0)
      violations.push(
        `${rule.rule}: ${ruleLost} lost (matched ${rule.matched} × ${rule.targets} targets, invocations ${rule.invocations}, failed ${rule.failed}, to DLQ ${rule.sentToDlq}, DLQ failed ${rule.failedToDlq})`,
      );
  }
  const dlqGrowth = deadLetters.reduce((sum, q) => sum + Math.max(0, q.after - q.before), 0);
  return result(
    'events',
    'every event delivered to each target or waiting in a dead-letter queue',
    'AWS/Events MatchedEvents × targets vs Invocations, FailedInvocations vs InvocationsSentToDlq, InvocationsFailedToBeSentToDlq, per rule (GetMetricData); dead-letter queue depths from SQS',
    {
      rules: rules.length,
      matched,
      deliveries,
      sentToDlq: rules.reduce((sum, r) => sum + r.sentToDlq, 0),
      lost,
      waitingInDlq: dlqGrowth,
      redriven: deadLetters.reduce((sum, q) => sum + q.redriven, 0),
    },
    violations,
  );
}

/**
 * No duplicate effect: one charge and one shipment per order, one notification per event and template.
 * Measured in the owning services' event stores (the facts money and goods move on): PaymentCharged events in
 * `payment#<orderId>`, ShipmentCreated events by their order id, NotificationSent by the triggering event's id
 * (the notification stream) and template.
 */
export function noDuplicateEffects(
  orders: readonly OrderRecord[],
  payments: readonly PaymentRecord[],
  effects: EffectCounts,
): InvariantResult {
  const ours = new Set(accepted(orders).map((o) => o.orderId));
  const violations: string[] = [];
  const charges = payments.filter((p) => p.charges > 1);
  for (const p of charges) violations.push(`${p.orderId}: charged ${p.charges} times`);
  const shipments = Object.entries(effects.shipmentsByOrder).filter(([id, n]) => ours.has(id) && n > 1);
  for (const [id, n] of shipments) violations.push(`${id}: ${n} shipments`);
  const notifications = Object.entries(effects.notificationsByKey).filter(([, n]) => n > 1);
  for (const [key, n] of notifications) violations.push(`notification ${key}: sent ${n} times`);
  if (effects.duplicateSagas > 0)
    violations.push(`${effects.duplicateSagas} orders with more than one saga execution`);
  return result(
    'no-duplicates',
    'no duplicate effect: one charge, one shipment per order; one notification per event and template',
    'PaymentCharged per payment stream, ShipmentCreated per order (shipping store), NotificationSent per triggering event and template (notifications store), saga executions per order (Step Functions)',
    {
      charges: payments.reduce((sum, p) => sum + p.charges, 0),
      shipments: Object.entries(effects.shipmentsByOrder)
        .filter(([id]) => ours.has(id))
        .reduce((sum, [, n]) => sum + n, 0),
      notifications: Object.values(effects.notificationsByKey).reduce((sum, n) => sum + n, 0),
      duplicateSagas: effects.duplicateSagas,
      duplicates: violations.length,
    },
    violations,
  );
}

export function checkInvariants(collected: Collected): InvariantResult[] {
  return [
    everyOrderTerminal(collected.orders),
    stockConserved(collected.stock, collected.orders),
    moneyConserved(collected.orders, collected.payments),
    eventsAccountedFor(collected.rules, collected.deadLetters),
    noDuplicateEffects(collected.orders, collected.payments, collected.effects),
  ];
}
