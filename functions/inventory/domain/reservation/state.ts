import { assertNever, type Fact } from '../../../kernel/domain/decider.js';
import type { EventData } from '../../../kernel/events/catalogue.js';

/** The facts a reservation stream holds (stream id `reservation#<orderId>`). */
export type ReservationFact = Fact<'StockReserved' | 'StockReservationFailed' | 'StockReleased'>;

export type StockLine = EventData<'StockReserved'>['items'][number];
export type UnavailableLine = EventData<'StockReservationFailed'>['unavailable'][number];

/**
 * NONE → RESERVED → RELEASED, or NONE → FAILED. FAILED and RELEASED are final: the order they belong to is
 * cancelled, and a new attempt is a new order.
 */
export type ReservationState =
  | { readonly status: 'NONE' }
  | {
      readonly status: 'RESERVED';
      readonly reservationId: string;
      readonly orderId: string;
      readonly items: readonly StockLine[];
    }
  | {
      readonly status: 'FAILED';
      readonly orderId: string;
      readonly reason: EventData<'StockReservationFailed'>['reason'];
      readonly unavailable: readonly UnavailableLine[];
    }
  | {
      readonly status: 'RELEASED';
      readonly reservationId: string;
      readonly orderId: string;
      readonly items: readonly StockLine[];
      readonly reason: string;
    };

export const initialState = (): ReservationState => ({ status: 'NONE' });

/** Each fact is the whole outcome so far: it replaces the state. */
export function evolve(_state: ReservationState, fact: ReservationFact): ReservationState {
  switch (fact.type) {
    case 'StockReserved': {
      const { reservationId, orderId, items } = fact.data;
      return { status: 'RESERVED', reservationId, orderId, items };
    }
    case 'StockReservationFailed': {
      const { orderId, reason, unavailable } = fact.data;
      return { status: 'FAILED', orderId, reason, unavailable };
    }
    case 'StockReleased': {
      const { reservationId, orderId, items, reason } = fact.data;
      return { status: 'RELEASED', reservationId, orderId, items, reason };
    }
    default:
      return assertNever(fact);
  }
}
