import { describe, expect, it } from 'vitest';
import { paymentViewKey, projectPaymentView } from '../../functions/payments/read-model/payment-view.js';
import { event, project } from '../helpers/events.js';

const at = (streamVersion: number) => ({
  streamId: 'payment#order-1',
  streamVersion,
  occurredAt: `2025-03-01T12:00:0${streamVersion}.000Z`,
});
const ref = { paymentId: 'pay-1', orderId: 'order-1', currency: 'EUR' };
const charged = event(
  'PaymentCharged',
  { ...ref, amount: 2500, customerId: 'cust-1', providerReference: 'ch_1' },
  at(1),
);
const refund = (v: number, amount: number) =>
  event('PaymentRefunded', { ...ref, amount, refundId: `rf-${v}`, reason: 'order cancelled' }, at(v));
const declined = event(
  'PaymentDeclined',
  { ...ref, amount: 2500, reason: 'card declined', declineCode: 'card_declined' },
  at(1),
);

describe('projectPaymentView (per payment stream)', () => {
  it('shows a charge, then partial and full refunds', () => {
    expect(projectPaymentView(undefined, charged)).toEqual({
      orderId: 'order-1',
      paymentId: 'pay-1',
      status: 'CHARGED',
      amount: 2500,
      refundedAmount: 0,
      currency: 'EUR',
      createdAt: '2025-03-01T12:00:01.000Z',
      updatedAt: '2025-03-01T12:00:01.000Z',
      version: 1,
    });
    expect(project(projectPaymentView, [charged, refund(2, 1000)])).toMatchObject({
      status: 'CHARGED',
      refundedAmount: 1000,
      version: 2,
    });
    expect(project(projectPaymentView, [charged, refund(2, 1000), refund(3, 1500)])).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: 2500,
      updatedAt: '2025-03-01T12:00:03.000Z',
      version: 3,
    });
  });

  it('shows a decline with its code', () => {
    expect(projectPaymentView(undefined, declined)).toMatchObject({
      status: 'DECLINED',
      declineCode: 'card_declined',
      reason: 'card declined',
    });
  });

  it('counts a redelivered refund once', () => {
    const v = project(projectPaymentView, [charged, refund(2, 1000)]);
    expect(projectPaymentView(v, refund(2, 1000))).toBe(v);
  });

  it('ignores events outside the payment stream (PaymentFailed, other streams)', () => {
    const failed = event(
      'PaymentFailed',
      { ...ref, amount: 2500, reason: 'provider down', retryable: true },
      { streamId: 'payment#order-1', streamVersion: 2 },
    );
    expect(paymentViewKey(failed)).toBeUndefined();
    const elsewhere = event('PaymentCharged', charged.data as never, {
      streamId: 'saga-1',
      streamVersion: 1,
    });
    expect(paymentViewKey(elsewhere)).toBeUndefined();
    expect(paymentViewKey(charged)).toBe('order-1');
  });
});
