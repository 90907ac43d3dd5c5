import { describe, expect, it } from 'vitest';
import { orderIdOf } from '../../functions/orders/events.js';
import { event } from '../helpers/events.js';

describe('orderIdOf', () => {
  it('reads the order off an orders event', () => {
    const confirmed = event(
      'OrderConfirmed',
      { orderId: 'order-1', paymentId: 'pay-1', shipmentId: 'ship-1' },
      { streamId: 'order-1', streamVersion: 2 },
    );
    expect(orderIdOf(confirmed)).toBe('order-1');
  });

  it("reads no order off another service's event, even one that carries an orderId", () => {
    const charged = event(
      'PaymentCharged',
      {
        paymentId: 'pay-1',
        orderId: 'order-1',
        amount: 100,
        currency: 'EUR',
        customerId: 'cust-1',
        providerReference: 'ch_1',
      },
      { streamId: 'payment#order-1', streamVersion: 2 },
    );
    expect(orderIdOf(charged)).toBeUndefined();
  });
});
