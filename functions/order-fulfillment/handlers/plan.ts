import { withObservability } from '../../kernel/observability.js';
import { type FulfillmentPlan, parsePlanRequest, planFulfillment } from '../domain/plan.js';

/**
 * The order fulfillment saga's PlanFulfillment step (statemachines/order-fulfillment.ts): `{ order,
 * correlationId?, causationId?, traceparent? }` → the plan. Writes nothing, so it needs no idempotency; its
 * compensation (CancelOrder with the failure's reason) is what makes it the saga's first step.
 */
export const handler = withObservability<unknown, FulfillmentPlan>(
  { service: 'saga' },
  async (event, _context, tools) => {
    const plan = planFulfillment(parsePlanRequest(event));
    tools.logger.info('fulfillment planned', {
      orderId: plan.orderId,
      lines: plan.lines.length,
      amount: plan.amount,
    });
    return plan;
  },
);
