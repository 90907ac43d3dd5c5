import { assertNever, type Fact } from '../../kernel/domain/decider.js';
import {
  BusinessRuleError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../kernel/domain/errors.js';
import { lineLimitProblems, MAX_MONEY, mergeLines } from '../../kernel/domain/limits.js';
import type {
  CancelOrder,
  CommandMetadata,
  ConfirmOrder,
  DeliverOrder,
  OrderCommand,
  PlaceOrder,
  ShipOrder,
} from './commands.js';
import type { OrderFact, OrderLine, OrderState } from './state.js';

/** Rule names carried by BusinessRuleError (`rule`): clients and tests tell refusals apart by them. */
export const orderRules = {
  singleCurrency: 'order-single-currency',
  confirmOnlyPending: 'confirm-only-pending',
  cancelOnlyBeforeShipping: 'cancel-only-before-shipping',
  shipOnlyConfirmed: 'ship-only-confirmed',
  deliverOnlyShipped: 'deliver-only-shipped',
  sameShipment: 'order-shipment-matches',
} as const;

export function decide(command: OrderCommand, state: OrderState): OrderFact[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ConfirmOrder':
      return confirmOrder(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'ShipOrder':
      return shipOrder(command, state);
    case 'DeliverOrder':
      return deliverOrder(command, state);
    default:
      return assertNever(command);
  }
}

/** A user may act on their own orders only; services and the system (saga, policies) act for anyone. */
function assertActsFor(metadata: CommandMetadata, customerId: string): void {
  if (metadata.actor.type === 'user' && metadata.actor.id !== customerId) {
    throw new ForbiddenError(`user ${metadata.actor.id} may not act on orders of ${customerId}`, {
      actorId: metadata.actor.id,
      customerId,
    });
  }
}

/**
 * The limits of an order, checked on the merged lines and the priced amounts before anything is written: at
 * most MAX_ORDER_LINES distinct SKUs (what one reservation transaction holds) and MAX_QUANTITY_PER_LINE units
 * of each; every line's amount and the total at most MAX_MONEY (what GraphQL's Int shows and payments charge).
 */
function assertWithinLimits(lines: readonly OrderLine[]): number {
  const problems = lineLimitProblems(lines).map((p) => p.message);
  for (const line of lines) {
    const amount = line.quantity * line.unitPrice;
    if (amount > MAX_MONEY)
      problems.push(
        `${line.sku}: ${line.quantity} × ${line.unitPrice} = ${amount} is above ${MAX_MONEY} minor units`,
      );
  }
  const total = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  if (total > MAX_MONEY) problems.push(`the total ${total} is above ${MAX_MONEY} minor units`);
  if (problems.length > 0) {
    throw new ValidationError(`VALIDATION_ERROR: the order is over its limits: ${problems.join('; ')}`, {
      problems,
      total,
      maxMoney: MAX_MONEY,
    });
  }
  return total;
}

function placeOrder(command: PlaceOrder, state: OrderState): OrderFact[] {
  // The payment token is not recorded: the handler left it in payments' token vault (OrderPlaced v3).
  const { orderId, customerId, items, shippingAddress, products } = command.data;
  assertActsFor(command.metadata, customerId);
  // The order id derives from (customerId, idempotencyKey): the stream exists → this is a retry, answered by
  // the order already placed.
  if (state.status !== 'NONE') return [];

  const catalogue = new Map(products.map((p) => [p.sku, p]));
  // Lines naming the same SKU are merged (a mug listed twice is two mugs): stock and shipping see one line
  // per SKU, and the limits apply to the merged lines.
  const lines = mergeLines(items);
  const unknown = lines.filter((l) => !catalogue.has(l.sku)).map((l) => l.sku);
  if (unknown.length > 0) {
    throw new NotFoundError(`unknown SKU: ${unknown.join(', ')}`, { skus: unknown });
  }
  const priced: OrderLine[] = lines.map((l) => ({ ...l, unitPrice: catalogue.get(l.sku)!.price }));
  const currencies = [...new Set(lines.map((l) => catalogue.get(l.sku)!.currency))];
  if (currencies.length > 1) {
    throw new BusinessRuleError(orderRules.singleCurrency, 'an order is paid in one currency', {
      currencies,
    });
  }
  const total = assertWithinLimits(priced);
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId,
        items: priced,
        total,
        currency: currencies[0]!,
        shippingAddress,
      },
    },
  ];
}

function notFound(orderId: string): NotFoundError {
  return new NotFoundError(`order ${orderId} not found`, { orderId });
}

function refuse(rule: string, orderId: string, status: string, action: string): BusinessRuleError {
  return new BusinessRuleError(rule, `cannot ${action} order ${orderId} in status ${status}`, {
    orderId,
    status,
  });
}

function confirmOrder(command: ConfirmOrder, state: OrderState): OrderFact[] {
  const { orderId, paymentId, shipmentId } = command.data;
  if (state.status === 'NONE') throw notFound(orderId);
  // A saga step retried after a timeout confirms again: same payment and shipment → nothing new.
  if (state.status === 'CONFIRMED' && state.paymentId === paymentId && state.shipmentId === shipmentId)
    return [];
  if (state.status !== 'PENDING')
    throw refuse(orderRules.confirmOnlyPending, orderId, state.status, 'confirm');
  return [{ type: 'OrderConfirmed', data: command.data }];
}

function cancelOrder(command: CancelOrder, state: OrderState): OrderFact[] {
  const { orderId } = command.data;
  if (state.status === 'NONE') throw notFound(orderId);
  assertActsFor(command.metadata, state.customerId);
  switch (state.status) {
    case 'CANCELLED':
      return []; // compensations are retried: cancelling twice is cancelling once
    case 'PENDING':
    case 'CONFIRMED':
      return [{ type: 'OrderCancelled', data: command.data } satisfies Fact<'OrderCancelled'>];
    case 'SHIPPED':
    case 'DELIVERED':
      throw refuse(orderRules.cancelOnlyBeforeShipping, orderId, state.status, 'cancel');
    default:
      return assertNever(state);
  }
}

function shipOrder(command: ShipOrder, state: OrderState): OrderFact[] {
  const { orderId, shipmentId, trackingNumber } = command.data;
  if (state.status === 'NONE') throw notFound(orderId);
  if (
    state.status === 'SHIPPED' &&
    state.shipmentId === shipmentId &&
    state.trackingNumber === trackingNumber
  ) {
    return []; // ShipmentDispatched delivered twice
  }
  if (state.status !== 'CONFIRMED') throw refuse(orderRules.shipOnlyConfirmed, orderId, state.status, 'ship');
  if (state.shipmentId !== shipmentId) {
    throw new BusinessRuleError(orderRules.sameShipment, `shipment ${shipmentId} is not order ${orderId}'s`, {
      orderId,
      expected: state.shipmentId,
      shipmentId,
    });
  }
  return [{ type: 'OrderShipped', data: command.data }];
}

function deliverOrder(command: DeliverOrder, state: OrderState): OrderFact[] {
  const { orderId, shipmentId } = command.data;
  if (state.status === 'NONE') throw notFound(orderId);
  if (state.status === 'DELIVERED' && state.shipmentId === shipmentId) return []; // ShipmentDelivered redelivered
  if (state.status !== 'SHIPPED')
    throw refuse(orderRules.deliverOnlyShipped, orderId, state.status, 'deliver');
  if (state.shipmentId !== shipmentId) {
    throw new BusinessRuleError(orderRules.sameShipment, `shipment ${shipmentId} is not order ${orderId}'s`, {
      orderId,
      expected: state.shipmentId,
      shipmentId,
    });
  }
  return [{ type: 'OrderDelivered', data: command.data }];
}
