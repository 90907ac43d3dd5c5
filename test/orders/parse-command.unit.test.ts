import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import { parseCommand } from '../../functions/orders/domain/index.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'user', id: 'cust-1' },
};
const placeOrder = (data: Record<string, unknown> = {}) => ({
  type: 'PlaceOrder',
  data: {
    orderId: 'order-1',
    customerId: 'cust-1',
    items: [{ sku: 'SKU-MUG', quantity: 2 }],
    shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    paymentToken: 'tok_visa',
    idempotencyKey: 'key-1',
    products: [{ sku: 'SKU-MUG', price: 1250, currency: 'EUR' }],
    ...data,
  },
  metadata,
});

/** The zod issue paths of a refused input. */
function issuePaths(input: unknown): string[] {
  try {
    parseCommand(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).details.issues as { path: PropertyKey[] }[];
    return issues.map((i) => i.path.join('.'));
  }
  throw new Error('expected a ValidationError');
}

describe('orders parseCommand', () => {
  it('accepts a well-formed PlaceOrder and returns it typed', () => {
    expect(parseCommand(placeOrder())).toEqual(placeOrder());
  });

  it.each([
    ['quantity 0', { items: [{ sku: 'SKU-MUG', quantity: 0 }] }, 'data.items.0.quantity'],
    ['a fractional quantity', { items: [{ sku: 'SKU-MUG', quantity: 1.5 }] }, 'data.items.0.quantity'],
    ['a quantity above 1000', { items: [{ sku: 'SKU-MUG', quantity: 1001 }] }, 'data.items.0.quantity'],
    ['no items', { items: [] }, 'data.items'],
    ['a lower-case SKU', { items: [{ sku: 'mug', quantity: 1 }] }, 'data.items.0.sku'],
    ['a client-sent unit price', { items: [{ sku: 'SKU-MUG', quantity: 1, unitPrice: 1 }] }, 'data.items.0'],
    [
      'a bad country code',
      { shippingAddress: { line1: '1 Main St', city: 'X', postalCode: '1', country: 'usa' } },
      'data.shippingAddress.country',
    ],
    [
      'a negative catalogue price',
      { products: [{ sku: 'SKU-MUG', price: -1, currency: 'EUR' }] },
      'data.products.0.price',
    ],
    ['an empty payment token', { paymentToken: '' }, 'data.paymentToken'],
    ['an empty idempotency key', { idempotencyKey: '' }, 'data.idempotencyKey'],
  ])('refuses %s', (_name, data, path) => {
    expect(issuePaths(placeOrder(data))).toContain(path);
  });

  it('refuses an unknown command type and a missing issuedAt', () => {
    expect(issuePaths({ ...placeOrder(), type: 'DestroyOrder' })).toEqual(['type']);
    expect(issuePaths({ ...placeOrder(), metadata: { ...metadata, issuedAt: 'yesterday' } })).toEqual([
      'metadata.issuedAt',
    ]);
  });

  it('refuses a cancellation without a reason and a delivery without an ISO time', () => {
    expect(issuePaths({ type: 'CancelOrder', data: { orderId: 'order-1', reason: '' }, metadata })).toEqual([
      'data.reason',
    ]);
    expect(
      issuePaths({
        type: 'DeliverOrder',
        data: { orderId: 'order-1', shipmentId: 's', deliveredAt: 'tuesday' },
        metadata,
      }),
    ).toEqual(['data.deliveredAt']);
  });

  it('keeps the zod error as the cause and says VALIDATION_ERROR', () => {
    try {
      parseCommand({});
    } catch (error) {
      expect((error as ValidationError).code).toBe('VALIDATION_ERROR');
      expect((error as ValidationError).cause).toBeDefined();
    }
  });
});
