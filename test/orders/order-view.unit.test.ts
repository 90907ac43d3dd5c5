import { describe, expect, it } from 'vitest';
import { projectOrderView } from '../../functions/orders/read-model/order-view.js';
import { event, project } from '../helpers/events.js';

const at = (streamVersion: number, occurredAt: string) => ({
  streamId: 'order-1',
  streamVersion,
  occurredAt,
});
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const items = [{ sku: 'SKU-MUG', quantity: 2, unitPrice: 1250 }];
const placed = event(
  'OrderPlaced',
  {
    orderId: 'order-1',
    customerId: 'cust-1',
    items,
    total: 2500,
    currency: 'EUR',
    shippingAddress: address,
  },
  at(1, '2025-03-01T12:00:00.000Z'),
);
const confirmed = event(
  'OrderConfirmed',
  { orderId: 'order-1', paymentId: 'pay-1', shipmentId: 'ship-1' },
  at(2, '2025-03-01T12:00:05.000Z'),
);
const shipped = event(
  'OrderShipped',
  { orderId: 'order-1', shipmentId: 'ship-1', carrier: 'SimPost', trackingNumber: 'TRK-1' },
  at(3, '2025-03-02T08:00:00.000Z'),
);
const delivered = event(
  'OrderDelivered',
  { orderId: 'order-1', shipmentId: 'ship-1', deliveredAt: '2025-03-03T09:30:00.000Z' },
  at(4, '2025-03-03T09:30:01.000Z'),
);
const cancelled = event(
  'OrderCancelled',
  { orderId: 'order-1', reason: 'Payment declined: card_declined', failedStep: 'ChargePayment' },
  at(2, '2025-03-01T12:00:03.000Z'),
);

const base = {
  id: 'order-1',
  customerId: 'cust-1',
  items,
  total: 2500,
  currency: 'EUR',
  shippingAddress: address,
  createdAt: '2025-03-01T12:00:00.000Z',
};

describe('projectOrderView (per stream)', () => {
  it('creates a PENDING view from OrderPlaced', () => {
    expect(projectOrderView(undefined, placed)).toEqual({
      ...base,
      status: 'PENDING',
      updatedAt: '2025-03-01T12:00:00.000Z',
      version: 1,
    });
  });

  it('follows the order to DELIVERED, updatedAt and version from the last event', () => {
    expect(project(projectOrderView, [placed, confirmed, shipped, delivered])).toEqual({
      ...base,
      status: 'DELIVERED',
      paymentId: 'pay-1',
      shipmentId: 'ship-1',
      carrier: 'SimPost',
      trackingNumber: 'TRK-1',
      deliveredAt: '2025-03-03T09:30:00.000Z',
      updatedAt: '2025-03-03T09:30:01.000Z',
      version: 4,
    });
  });

  it('shows the failureReason of a cancelled order', () => {
    expect(project(projectOrderView, [placed, cancelled])).toEqual({
      ...base,
      status: 'CANCELLED',
      failureReason: 'Payment declined: card_declined',
      failedStep: 'ChargePayment',
      updatedAt: '2025-03-01T12:00:03.000Z',
      version: 2,
    });
  });

  it('ignores a redelivered or older event (version at or below the view)', () => {
    const view = project(projectOrderView, [placed, confirmed, shipped]);
    expect(projectOrderView(view, confirmed)).toBe(view);
    expect(projectOrderView(view, placed)).toBe(view);
  });

  it('returns undefined for a status event with no view (a gap: the projector rebuilds from the stream)', () => {
    expect(projectOrderView(undefined, confirmed)).toBeUndefined();
  });

  it('leaves the view alone for events of other types', () => {
    const view = projectOrderView(undefined, placed);
    const other = event(
      'UserCreated',
      { userId: 'u', email: 'a@example.com', name: 'A' },
      at(9, '2025-03-09T00:00:00Z'),
    );
    expect(projectOrderView(view, other)).toBe(view);
  });
});
