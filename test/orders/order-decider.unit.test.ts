import { describe, expect, it } from 'vitest';
import type { Fact } from '../../functions/kernel/domain/decider.js';
import { fold } from '../../functions/kernel/domain/decider.js';
import { BusinessRuleError, ForbiddenError, NotFoundError } from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type CommandMetadata,
  type OrderCommand,
  type OrderFact,
  orderDecider,
  orderRules,
} from '../../functions/orders/domain/index.js';
import { spec } from '../helpers/decider.js';

const customer = { type: 'user', id: 'cust-1' } as const;
const saga = { type: 'service', id: 'order-fulfillment' } as const;
const meta = (actor: CommandMetadata['actor'] = saga): CommandMetadata => ({
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor,
});
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const products = [
  { sku: 'SKU-MUG', price: 1250, currency: 'EUR' },
  { sku: 'SKU-TEA', price: 899, currency: 'EUR' },
];

const place = (over: Partial<Extract<OrderCommand, { type: 'PlaceOrder' }>['data']> = {}): OrderCommand => ({
  type: 'PlaceOrder',
  data: {
    orderId: 'order-1',
    customerId: 'cust-1',
    items: [
      { sku: 'SKU-MUG', quantity: 2 },
      { sku: 'SKU-TEA', quantity: 1 },
    ],
    shippingAddress: address,
    paymentToken: 'tok_visa',
    idempotencyKey: 'key-1',
    products,
    ...over,
  },
  metadata: meta(customer),
});

const placed: Fact<'OrderPlaced'> = {
  type: 'OrderPlaced',
  data: {
    orderId: 'order-1',
    customerId: 'cust-1',
    items: [
      { sku: 'SKU-MUG', quantity: 2, unitPrice: 1250 },
      { sku: 'SKU-TEA', quantity: 1, unitPrice: 899 },
    ],
    total: 3399,
    currency: 'EUR',
    shippingAddress: address,
  },
};
const confirmed: Fact<'OrderConfirmed'> = {
  type: 'OrderConfirmed',
  data: { orderId: 'order-1', paymentId: 'pay-1', shipmentId: 'ship-1' },
};
const cancelled: Fact<'OrderCancelled'> = {
  type: 'OrderCancelled',
  data: { orderId: 'order-1', reason: 'payment declined', failedStep: 'ChargePayment' },
};
const shipped: Fact<'OrderShipped'> = {
  type: 'OrderShipped',
  data: { orderId: 'order-1', shipmentId: 'ship-1', carrier: 'SimPost', trackingNumber: 'TRK-1' },
};
const delivered: Fact<'OrderDelivered'> = {
  type: 'OrderDelivered',
  data: { orderId: 'order-1', shipmentId: 'ship-1', deliveredAt: '2025-03-03T09:30:00.000Z' },
};

const confirm = (data = confirmed.data, actor = saga): OrderCommand => ({
  type: 'ConfirmOrder',
  data,
  metadata: meta(actor),
});
const cancel = (reason = 'payment declined', actor: CommandMetadata['actor'] = saga): OrderCommand => ({
  type: 'CancelOrder',
  data: { orderId: 'order-1', reason, failedStep: 'ChargePayment' },
  metadata: meta(actor),
});
const ship = (data = shipped.data): OrderCommand => ({ type: 'ShipOrder', data, metadata: meta() });
const deliver = (data = delivered.data): OrderCommand => ({ type: 'DeliverOrder', data, metadata: meta() });

const given = (facts: OrderFact[]) => spec(orderDecider).given(facts);

describe('PlaceOrder', () => {
  it('prices the lines from the catalogue, totals them in minor units and takes the catalogue currency', () => {
    given([]).when(place()).thenEmits([placed]);
  });

  it('ignores prices a client might try to smuggle: only the catalogue prices count', () => {
    const facts = orderDecider.decide(place(), orderDecider.initialState());
    expect(facts[0]?.type === 'OrderPlaced' && facts[0].data.items.map((l) => l.unitPrice)).toEqual([
      1250, 899,
    ]);
  });

  it('merges lines naming the same SKU, keeping the first position', () => {
    given([])
      .when(
        place({
          items: [
            { sku: 'SKU-MUG', quantity: 1 },
            { sku: 'SKU-TEA', quantity: 1 },
            { sku: 'SKU-MUG', quantity: 1 },
          ],
        }),
      )
      .thenEmits([placed]);
  });

  it('refuses an unknown SKU with a NotFoundError naming it', () => {
    const run = () =>
      orderDecider.decide(
        place({
          items: [
            { sku: 'SKU-MUG', quantity: 1 },
            { sku: 'SKU-GHOST', quantity: 1 },
            { sku: 'SKU-NOPE', quantity: 2 },
          ],
        }),
        orderDecider.initialState(),
      );
    expect(run).toThrow(NotFoundError);
    expect(run).toThrow('unknown SKU: SKU-GHOST, SKU-NOPE');
    try {
      run();
    } catch (error) {
      expect((error as NotFoundError).details).toEqual({ skus: ['SKU-GHOST', 'SKU-NOPE'] });
    }
    given([])
      .when(place({ products: [] }))
      .thenThrows(NotFoundError, 'NOT_FOUND');
  });

  it('refuses lines priced in different currencies', () => {
    given([])
      .when(place({ products: [products[0]!, { sku: 'SKU-TEA', price: 899, currency: 'USD' }] }))
      .thenThrows(BusinessRuleError, orderRules.singleCurrency);
  });

  it('refuses a user placing an order for another customer', () => {
    given([])
      .when({ ...place(), metadata: meta({ type: 'user', id: 'someone-else' }) })
      .thenThrows(ForbiddenError, 'FORBIDDEN');
  });

  it('lets a service place for any customer', () => {
    given([])
      .when({ ...place(), metadata: meta(saga) })
      .thenEmits([placed]);
  });

  it('emits nothing when the order already exists (same idempotency key → same order id)', () => {
    given([placed]).when(place()).thenEmits([]);
    given([placed, confirmed]).when(place()).thenEmits([]);
    given([placed, cancelled])
      .when(place({ items: [{ sku: 'SKU-TEA', quantity: 9 }] }))
      .thenEmits([]);
  });

  it('emits data the OrderPlaced contract accepts', () => {
    const [fact] = orderDecider.decide(place(), orderDecider.initialState());
    expect(latestEntry('OrderPlaced')!.dataSchema.safeParse(fact?.data).success).toBe(true);
  });
});

describe('ConfirmOrder', () => {
  it('confirms a pending order', () => given([placed]).when(confirm()).thenEmits([confirmed]));
  it('is a no-op when already confirmed with the same payment and shipment (saga retry)', () =>
    given([placed, confirmed]).when(confirm()).thenEmits([]));
  it('refuses a confirmed order with another payment', () =>
    given([placed, confirmed])
      .when(confirm({ ...confirmed.data, paymentId: 'pay-2' }))
      .thenThrows(BusinessRuleError, orderRules.confirmOnlyPending));
  it('refuses a cancelled order', () =>
    given([placed, cancelled]).when(confirm()).thenThrows(BusinessRuleError, orderRules.confirmOnlyPending));
  it('refuses a shipped order', () =>
    given([placed, confirmed, shipped])
      .when(confirm())
      .thenThrows(BusinessRuleError, orderRules.confirmOnlyPending));
  it('refuses an unknown order', () => given([]).when(confirm()).thenThrows(NotFoundError, 'NOT_FOUND'));
});

describe('CancelOrder', () => {
  it('cancels a pending order with the reason', () => given([placed]).when(cancel()).thenEmits([cancelled]));
  it('cancels a confirmed order', () => given([placed, confirmed]).when(cancel()).thenEmits([cancelled]));
  it('is idempotent: cancelling a cancelled order emits nothing', () =>
    given([placed, cancelled]).when(cancel('another reason')).thenEmits([]));
  it('refuses a shipped order', () =>
    given([placed, confirmed, shipped])
      .when(cancel())
      .thenThrows(BusinessRuleError, orderRules.cancelOnlyBeforeShipping));
  it('refuses a delivered order', () =>
    given([placed, confirmed, shipped, delivered])
      .when(cancel())
      .thenThrows(BusinessRuleError, orderRules.cancelOnlyBeforeShipping));
  it('refuses an unknown order', () => given([]).when(cancel()).thenThrows(NotFoundError, 'NOT_FOUND'));
  it('lets the customer cancel their own order', () =>
    given([placed])
      .when({
        type: 'CancelOrder',
        data: { orderId: 'order-1', reason: 'changed my mind' },
        metadata: meta(customer),
      })
      .thenEmits([{ type: 'OrderCancelled', data: { orderId: 'order-1', reason: 'changed my mind' } }]));
  it("refuses a user cancelling another customer's order", () =>
    given([placed])
      .when(cancel('x', { type: 'user', id: 'intruder' }))
      .thenThrows(ForbiddenError, 'FORBIDDEN'));
});

describe('ShipOrder', () => {
  it('ships a confirmed order', () => given([placed, confirmed]).when(ship()).thenEmits([shipped]));
  it('is a no-op when shipped with the same tracking number', () =>
    given([placed, confirmed, shipped]).when(ship()).thenEmits([]));
  it('refuses a pending order', () =>
    given([placed]).when(ship()).thenThrows(BusinessRuleError, orderRules.shipOnlyConfirmed));
  it('refuses a cancelled order', () =>
    given([placed, confirmed, cancelled])
      .when(ship())
      .thenThrows(BusinessRuleError, orderRules.shipOnlyConfirmed));
  it("refuses a shipment that is not the order's", () =>
    given([placed, confirmed])
      .when(ship({ ...shipped.data, shipmentId: 'ship-9' }))
      .thenThrows(BusinessRuleError, orderRules.sameShipment));
  it('refuses an unknown order', () => given([]).when(ship()).thenThrows(NotFoundError, 'NOT_FOUND'));
});

describe('DeliverOrder', () => {
  it('delivers a shipped order', () =>
    given([placed, confirmed, shipped]).when(deliver()).thenEmits([delivered]));
  it('is a no-op when already delivered', () =>
    given([placed, confirmed, shipped, delivered]).when(deliver()).thenEmits([]));
  it('refuses a confirmed, not shipped, order', () =>
    given([placed, confirmed]).when(deliver()).thenThrows(BusinessRuleError, orderRules.deliverOnlyShipped));
  it("refuses a shipment that is not the order's", () =>
    given([placed, confirmed, shipped])
      .when(deliver({ ...delivered.data, shipmentId: 'ship-9' }))
      .thenThrows(BusinessRuleError, orderRules.sameShipment));
  it('refuses an unknown order', () => given([]).when(deliver()).thenThrows(NotFoundError, 'NOT_FOUND'));
});

describe('evolve', () => {
  it('walks the status machine and keeps the failureReason of a cancellation', () => {
    expect(fold(orderDecider, [placed]).status).toBe('PENDING');
    expect(fold(orderDecider, [placed, confirmed, shipped, delivered])).toEqual({
      status: 'DELIVERED',
      orderId: 'order-1',
      customerId: 'cust-1',
      items: placed.data.items,
      total: 3399,
      currency: 'EUR',
      paymentId: 'pay-1',
      shipmentId: 'ship-1',
      deliveredAt: '2025-03-03T09:30:00.000Z',
    });
    expect(fold(orderDecider, [placed, confirmed, cancelled])).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'payment declined',
      failedStep: 'ChargePayment',
    });
  });

  it('ignores a fact that finds no order (a corrupt stream does not invent one)', () => {
    expect(fold(orderDecider, [confirmed])).toEqual({ status: 'NONE' });
  });
});
