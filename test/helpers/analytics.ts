/**
 * Analytics test data: the events of many orders' lives, as the orders service and the fulfillment saga
 * publish them. Shared by the projector's unit test and the SalesSummary size test.
 */
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { event } from './events.js';

const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

/**
 * The lives of `count` orders: placed, its saga started; then, by index, confirmed (and shipped), or
 * cancelled with the saga compensated, or left pending with the saga failed. The platform names a saga after
 * its order; by default every fourth saga here is not (sagaId ≠ subjectId), which the stored form keeps apart.
 */
export function orderLives(
  count: number,
  options: {
    readonly from?: number;
    /** `order`: every saga named after its order, as the platform does; `apart`: none. @default every fourth apart */
    readonly sagaIds?: 'order' | 'apart';
  } = {},
): DomainEvent[] {
  const events: DomainEvent[] = [];
  const from = options.from ?? 0;
  for (let i = from; i < from + count; i++) {
    const orderId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const apart = options.sagaIds === 'apart' || (options.sagaIds === undefined && i % 4 === 3);
    const sagaId = apart ? `saga-${i}` : orderId;
    const day = `2025-03-0${1 + (i % 3)}`;
    const at = (hh: number) => `${day}T1${hh}:00:00.000Z`;
    const sagaStream = `saga#OrderFulfillment#${sagaId}`;
    const ref = { sagaId, sagaName: 'OrderFulfillment' };
    events.push(
      event(
        'OrderPlaced',
        {
          orderId,
          customerId: `cust-${i % 7}`,
          items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: 1000 + i }],
          total: 1000 + i,
          currency: i % 5 === 0 ? 'USD' : 'EUR',
          shippingAddress: address,
        },
        { streamId: orderId, streamVersion: 1, occurredAt: at(0) },
      ),
      event(
        'SagaStarted',
        { ...ref, subjectId: orderId, steps: ['ReserveStock', 'ChargePayment'] },
        { streamId: sagaStream, streamVersion: 1, occurredAt: at(1) },
      ),
      event(
        'SagaStepCompleted',
        { ...ref, step: 'ReserveStock', stepIndex: 0 },
        { streamId: sagaStream, streamVersion: 2, occurredAt: at(2) },
      ),
    );
    if (i % 3 === 0) {
      events.push(
        event(
          'OrderConfirmed',
          { orderId, paymentId: `pay-${i}`, shipmentId: `shp-${i}` },
          { streamId: orderId, streamVersion: 2, occurredAt: at(3) },
        ),
        event(
          'OrderShipped',
          { orderId, shipmentId: `shp-${i}`, carrier: 'SimPost', trackingNumber: `T${i}` },
          { streamId: orderId, streamVersion: 3, occurredAt: at(4) },
        ),
      );
    } else if (i % 3 === 1) {
      events.push(
        event(
          'SagaCompensated',
          {
            ...ref,
            failedStep: 'ChargePayment',
            compensatedSteps: ['ReserveStock'],
            reason: 'declined',
          },
          { streamId: sagaStream, streamVersion: 3, occurredAt: at(3) },
        ),
        event(
          'OrderCancelled',
          { orderId, reason: 'declined', failedStep: 'ChargePayment' },
          { streamId: orderId, streamVersion: 2, occurredAt: at(4) },
        ),
      );
    } else {
      events.push(
        event(
          'SagaFailed',
          {
            ...ref,
            failedStep: 'ChargePayment',
            error: 'States.Timeout',
            reason: 'timeout',
            compensationFailed: true,
          },
          { streamId: sagaStream, streamVersion: 3, occurredAt: at(3) },
        ),
      );
    }
  }
  return events;
}
