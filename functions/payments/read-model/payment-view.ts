import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';
import { paymentStreamId } from '../domain/decider.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const PAYMENT_VIEW_TABLE_ENV = 'PAYMENT_VIEW_TABLE';

/**
 * PaymentView — what `Order.payment` resolves to through the payments source API (`status, amount,
 * refundedAmount`), keyed by order id. PER STREAM: the payment stream `payment#<orderId>` (see payments'
 * domain) holds PaymentCharged / PaymentDeclined / PaymentRefunded; the projector can rebuild the view from it.
 * PaymentFailed (an outage, retried) is not a fact of that stream and changes nothing here.
 * `version` is the payment stream version of the last event applied.
 */
export type PaymentView = {
  readonly orderId: string;
  readonly paymentId: string;
  /** As payments' domain: CHARGED (possibly partly refunded), REFUNDED (refunds reach the charge), DECLINED. */
  readonly status: 'CHARGED' | 'DECLINED' | 'REFUNDED';
  /** Minor units of `currency`. */
  readonly amount: number;
  readonly refundedAmount: number;
  readonly currency: string;
  readonly declineCode?: string;
  readonly reason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
};

/** The order whose payment stream holds the event, or undefined. */
export function paymentViewKey(event: DomainEvent): string | undefined {
  switch (event.type) {
    case 'PaymentCharged':
    case 'PaymentDeclined':
    case 'PaymentRefunded':
      return event.streamId === paymentStreamId(event.data.orderId) ? event.data.orderId : undefined;
    default:
      return undefined;
  }
}

export function projectPaymentView(
  view: PaymentView | undefined,
  event: DomainEvent,
): PaymentView | undefined {
  if (paymentViewKey(event) === undefined) return view;
  if (view && event.streamVersion <= view.version) return view;
  const stamp = { updatedAt: event.occurredAt, version: event.streamVersion };
  switch (event.type) {
    case 'PaymentCharged': {
      const { orderId, paymentId, amount, currency } = event.data;
      const createdAt = view?.createdAt ?? event.occurredAt;
      return {
        orderId,
        paymentId,
        status: 'CHARGED',
        amount,
        refundedAmount: 0,
        currency,
        createdAt,
        ...stamp,
      };
    }
    case 'PaymentDeclined': {
      const { orderId, paymentId, amount, currency, declineCode, reason } = event.data;
      const createdAt = view?.createdAt ?? event.occurredAt;
      return {
        orderId,
        paymentId,
        status: 'DECLINED',
        amount,
        refundedAmount: 0,
        currency,
        declineCode,
        reason,
        createdAt,
        ...stamp,
      };
    }
    case 'PaymentRefunded': {
      if (!view) return undefined;
      const refundedAmount = view.refundedAmount + event.data.amount;
      return {
        ...view,
        status: refundedAmount >= view.amount ? 'REFUNDED' : 'CHARGED',
        refundedAmount,
        ...stamp,
      };
    }
    default:
      return view;
  }
}

/** For the kernel projector: table partition key `orderId`. */
export const paymentViewProjection: Projection<PaymentView> = {
  name: 'PaymentView',
  keyAttribute: 'orderId',
  keyOf: paymentViewKey,
  project: (view, event) => {
    const next = projectPaymentView(view, event);
    if (!next)
      throw new Error(`PaymentView: ${event.type} ${event.streamId}@${event.streamVersion} before a charge`);
    return next;
  },
};
