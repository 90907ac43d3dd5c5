import { assertNever, type Fact } from '../../../kernel/domain/decider.js';
import type { EventData } from '../../../kernel/events/catalogue.js';

/** The facts a shipment stream holds (stream id = the shipment id). */
export type ShipmentFact = Fact<
  'ShipmentCreated' | 'ShipmentFailed' | 'ShipmentCancelled' | 'ShipmentDispatched' | 'ShipmentDelivered'
>;

type Created = EventData<'ShipmentCreated'>;

/**
 * NONE → CREATED → DISPATCHED → DELIVERED; CREATED → CANCELLED; NONE → FAILED (no shipment could be made:
 * ShipmentFailed knows only the order, not a shipment id).
 */
export type ShipmentState =
  | { readonly status: 'NONE' }
  | {
      readonly status: 'FAILED';
      readonly orderId: string;
      readonly reason: string;
      readonly code: EventData<'ShipmentFailed'>['code'];
    }
  | (Created & { readonly status: 'CREATED' })
  | (Created & { readonly status: 'CANCELLED'; readonly reason: string })
  | (Created & { readonly status: 'DISPATCHED'; readonly trackingNumber: string })
  | (Created & {
      readonly status: 'DELIVERED';
      readonly trackingNumber: string;
      readonly deliveredAt: string;
    });

export type ShipmentStatus = Exclude<ShipmentState['status'], 'NONE'>;

export const initialState = (): ShipmentState => ({ status: 'NONE' });

const created = (state: ShipmentState): Created | undefined =>
  state.status === 'NONE' || state.status === 'FAILED'
    ? undefined
    : {
        shipmentId: state.shipmentId,
        orderId: state.orderId,
        items: state.items,
        shippingAddress: state.shippingAddress,
        carrier: state.carrier,
      };

/** Trusts the stream: a fact that finds no shipment to apply to leaves the state unchanged. */
export function evolve(state: ShipmentState, fact: ShipmentFact): ShipmentState {
  switch (fact.type) {
    case 'ShipmentCreated':
      return { status: 'CREATED', ...fact.data };
    case 'ShipmentFailed':
      return { status: 'FAILED', orderId: fact.data.orderId, reason: fact.data.reason, code: fact.data.code };
    case 'ShipmentCancelled': {
      const shipment = created(state);
      return shipment ? { ...shipment, status: 'CANCELLED', reason: fact.data.reason } : state;
    }
    case 'ShipmentDispatched': {
      const shipment = created(state);
      return shipment
        ? {
            ...shipment,
            status: 'DISPATCHED',
            carrier: fact.data.carrier,
            trackingNumber: fact.data.trackingNumber,
          }
        : state;
    }
    case 'ShipmentDelivered': {
      const shipment = created(state);
      if (!shipment) return state;
      const trackingNumber = 'trackingNumber' in state ? state.trackingNumber : '';
      return { ...shipment, status: 'DELIVERED', trackingNumber, deliveredAt: fact.data.deliveredAt };
    }
    default:
      return assertNever(fact);
  }
}
