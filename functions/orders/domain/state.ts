import { assertNever, type Fact } from '../../kernel/domain/decider.js';
import type { EventData } from '../../kernel/events/catalogue.js';

/** The facts an order stream holds (stream id = the order id). */
export type OrderFact = Fact<
  'OrderPlaced' | 'OrderConfirmed' | 'OrderCancelled' | 'OrderShipped' | 'OrderDelivered'
>;

export type OrderLine = EventData<'OrderPlaced'>['items'][number];

/** What every placed order knows, whatever its status. */
export interface PlacedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly total: number;
  readonly currency: string;
}

/** PENDING → CONFIRMED → SHIPPED → DELIVERED, or CANCELLED (from PENDING or CONFIRMED) with a failureReason. */
export type OrderState =
  | { readonly status: 'NONE' }
  | (PlacedOrder & { readonly status: 'PENDING' })
  | (PlacedOrder & { readonly status: 'CONFIRMED'; readonly paymentId: string; readonly shipmentId: string })
  | (PlacedOrder & {
      readonly status: 'SHIPPED';
      readonly paymentId: string;
      readonly shipmentId: string;
      readonly carrier: string;
      readonly trackingNumber: string;
    })
  | (PlacedOrder & {
      readonly status: 'DELIVERED';
      readonly paymentId: string;
      readonly shipmentId: string;
      readonly deliveredAt: string;
    })
  | (PlacedOrder & {
      readonly status: 'CANCELLED';
      readonly failureReason: string;
      readonly failedStep?: string;
    });

export type OrderStatus = Exclude<OrderState['status'], 'NONE'>;

export const initialState = (): OrderState => ({ status: 'NONE' });

const placed = (state: OrderState): PlacedOrder | undefined =>
  state.status === 'NONE'
    ? undefined
    : {
        orderId: state.orderId,
        customerId: state.customerId,
        items: state.items,
        total: state.total,
        currency: state.currency,
      };

/**
 * Folds one fact into the state. `decide` only emits facts that apply, so evolve trusts the stream: a fact
 * that finds no placed order (a corrupt stream) leaves the state as it is rather than inventing one.
 */
export function evolve(state: OrderState, fact: OrderFact): OrderState {
  switch (fact.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, items, total, currency } = fact.data;
      return { status: 'PENDING', orderId, customerId, items, total, currency };
    }
    case 'OrderConfirmed': {
      const order = placed(state);
      if (!order) return state;
      return {
        ...order,
        status: 'CONFIRMED',
        paymentId: fact.data.paymentId,
        shipmentId: fact.data.shipmentId,
      };
    }
    case 'OrderCancelled': {
      const order = placed(state);
      if (!order) return state;
      const { reason, failedStep } = fact.data;
      return failedStep === undefined
        ? { ...order, status: 'CANCELLED', failureReason: reason }
        : { ...order, status: 'CANCELLED', failureReason: reason, failedStep };
    }
    case 'OrderShipped': {
      const order = placed(state);
      if (!order) return state;
      const paymentId = 'paymentId' in state ? state.paymentId : '';
      const { shipmentId, carrier, trackingNumber } = fact.data;
      return { ...order, status: 'SHIPPED', paymentId, shipmentId, carrier, trackingNumber };
    }
    case 'OrderDelivered': {
      const order = placed(state);
      if (!order) return state;
      const paymentId = 'paymentId' in state ? state.paymentId : '';
      return {
        ...order,
        status: 'DELIVERED',
        paymentId,
        shipmentId: fact.data.shipmentId,
        deliveredAt: fact.data.deliveredAt,
      };
    }
    default:
      return assertNever(fact);
  }
}
