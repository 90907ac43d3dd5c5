import { assertNever, type Fact } from '../../kernel/domain/decider.js';
import { BusinessRuleError, ForbiddenError, NotFoundError } from '../../kernel/domain/errors.js';
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
 * Lines naming the same SKU are merged (quantities added, first position kept): a cart that lists a mug
 * twice means two mugs, and stock and shipping then see one line per SKU.
 */
function mergeLines(items: PlaceOrder['data']['items']): { sku: string; quantity: number }[] {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of items) merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

function placeOrder(command: PlaceOrder, state: OrderState): OrderFact[] {
  const { orderId, customerId, items, shippingAddress, paymentToken, products } = command.data;
  assertActsFor(command.metadata, customerId);
  // The order id derives from (customerId, idempotencyKey): the stream exists → this is a retry, answered by
  // the order already placed.
  if (state.status !== 'NONE') return [];

  const catalogue = new Map(products.map((p) => [p.sku, p]));
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
  const total = priced.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
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
        paymentToken,
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
