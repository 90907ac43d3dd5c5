import { describe, expect, it } from 'vitest';
import { salesSummaryProjection } from '../../../functions/analytics/read-model/sales-summary.js';
import type { DomainEvent } from '../../../functions/kernel/events/catalogue.js';
import {
  applyEvents,
  emptyState,
  type Projection,
  type View,
} from '../../../functions/kernel/projection/index.js';
import { orderViewProjection } from '../../../functions/orders/read-model/order-view.js';
import { productRatingProjection } from '../../../functions/reviews/read-model/product-rating.js';
import { userProfileProjection } from '../../../functions/users/read-model/user-profile.js';
import { event } from '../../helpers/events.js';

/** What the kernel projector keeps for one key after these deliveries (one at a time, as they arrive). */
function deliver<V extends View>(projection: Projection<V>, events: readonly DomainEvent[]) {
  let state = emptyState<V>();
  for (const e of events) {
    const key = projection.keyOf(e);
    if (key !== undefined) state = applyEvents(state, [e], projection, key).state;
  }
  return state;
}

const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const placed = (orderId: string) =>
  event(
    'OrderPlaced',
    {
      orderId,
      customerId: 'cust-1',
      items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: 500 }],
      total: 500,
      currency: 'EUR',
      shippingAddress: address,
    },
    { streamId: orderId, streamVersion: 1 },
  );
const confirmed = (orderId: string) =>
  event(
    'OrderConfirmed',
    { orderId, paymentId: 'p', shipmentId: 's' },
    { streamId: orderId, streamVersion: 2, occurredAt: '2025-03-01T12:01:00.000Z' },
  );

describe('the read models plug into the kernel projector (Projection: name, keyAttribute, keyOf, project)', () => {
  it('OrderView: keyed by order id, duplicates dropped by the projector too', () => {
    const state = deliver(orderViewProjection, [placed('o1'), confirmed('o1'), confirmed('o1')]);
    expect(state.view).toMatchObject({ id: 'o1', status: 'CONFIRMED', version: 2 });
    expect(state.versions).toEqual({ o1: 2 });
  });

  it('UserProfile: keyed by userId', () => {
    const created = event(
      'UserCreated',
      { userId: 'u1', email: 'a@example.com', name: 'A' },
      { streamId: 'u1', streamVersion: 1 },
    );
    expect(userProfileProjection.keyOf(created)).toBe('u1');
    expect(deliver(userProfileProjection, [created]).view).toMatchObject({ status: 'ACTIVE', userId: 'u1' });
  });

  it('ProductRating and SalesSummary: the same view whichever stream arrives first', () => {
    const reviews = ['r1', 'r2'].map((id, i) =>
      event(
        'ReviewSubmitted',
        { reviewId: id, orderId: 'o', customerId: 'c', sku: 'SKU-MUG', rating: 3 + i, comment: '' },
        { streamId: id, streamVersion: 1 },
      ),
    );
    expect(deliver(productRatingProjection, reviews).view).toEqual(
      deliver(productRatingProjection, [...reviews].reverse()).view,
    );
    const orders = [placed('o1'), confirmed('o1'), placed('o2')];
    const other = [placed('o2'), placed('o1'), confirmed('o1')];
    expect(JSON.stringify(deliver(salesSummaryProjection, orders).view)).toBe(
      JSON.stringify(deliver(salesSummaryProjection, other).view),
    );
    expect(salesSummaryProjection.keyOf(placed('o1'))).toBe('sales-summary');
  });
});

describe('SalesSummary through the kernel projector, on a real saga stream', () => {
  const saga = 'saga#OrderFulfillment#o-9';
  const ref = { sagaId: 'o-9', sagaName: 'OrderFulfillment' };
  const stream = [
    event(
      'SagaStarted',
      { ...ref, subjectId: 'o-9', steps: ['ReserveStock', 'ChargePayment'] },
      {
        streamId: saga,
        streamVersion: 1,
      },
    ),
    event(
      'SagaStepCompleted',
      { ...ref, step: 'ReserveStock', stepIndex: 0 },
      { streamId: saga, streamVersion: 2 },
    ),
    event(
      'SagaCompensated',
      { ...ref, failedStep: 'ChargePayment', compensatedSteps: ['ReserveStock'], reason: 'declined' },
      { streamId: saga, streamVersion: 3 },
    ),
  ];

  // SalesSummary is commutative: the kernel keeps no versions for it, so nothing waits for SagaStepCompleted
  // (no longer even delivered to it) as for a gap.
  it('counts the compensation after SagaStepCompleted, without parking it as after a gap', () => {
    const state = deliver(salesSummaryProjection, stream);
    expect(state.versions).toEqual({});
    expect(state.pending).toEqual({});
    expect(state.view).toMatchObject({ sagas: { started: 1, compensated: 1, running: 0 } });
    expect(salesSummaryProjection.keyOf(stream[1]!)).toBeUndefined();
    // Without the step event, and the outcome first: the same view.
    expect(deliver(salesSummaryProjection, [stream[2]!, stream[0]!]).view).toEqual(state.view);
  });
});
