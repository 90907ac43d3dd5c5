import { withObservability } from '../../kernel/observability.js';
import { eventStoreFromEnvironment } from '../../kernel/store/dynamodb.js';
import type { EventStore } from '../../kernel/store/index.js';
import {
  type FulfillmentPlan,
  parsePlanRequest,
  placedOrderInStore,
  planFulfillment,
} from '../domain/plan.js';

let orders: EventStore | undefined;

/**
 * The order fulfillment saga's PlanFulfillment step (statemachines/order-fulfillment.ts): `{ orderId,
 * correlationId?, causationId?, traceparent? }` → the plan, from the order as the orders store holds it
 * (EVENT_STORE_TABLE_NAME is the orders store, read-only): items, total, customer and address never come from
 * the event that started the saga. An order the store does not hold fails with UnknownOrderError, which ends
 * the saga with nothing done. Writes nothing, so it needs no idempotency; its compensation (CancelOrder with
 * the failure's reason) is what makes it the saga's first step.
 */
export const handler = withObservability<unknown, FulfillmentPlan>(
  { service: 'saga' },
  async (event, _context, tools) => {
    const { orderId } = parsePlanRequest(event);
    orders ??= eventStoreFromEnvironment({ capture: (client) => tools.captureClient(client) });
    const stream = await orders.load(orderId, { through: 1 });
    const plan = planFulfillment(placedOrderInStore(orderId, stream.events));
    tools.logger.info('fulfillment planned', {
      orderId: plan.orderId,
      lines: plan.lines.length,
      amount: plan.amount,
    });
    return plan;
  },
);
