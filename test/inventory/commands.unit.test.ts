import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../functions/inventory/domain/index.js';
import { ValidationError } from '../../functions/kernel/domain/errors.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'user', id: 'admin-1' },
};
const addProduct = (data: Record<string, unknown> = {}) => ({
  type: 'AddProduct',
  data: { sku: 'SKU-RED-MUG', name: 'Red mug', price: 1250, currency: 'EUR', initialStock: 10, ...data },
  metadata,
});
const restock = (data: Record<string, unknown> = {}) => ({
  type: 'Restock',
  data: { sku: 'SKU-RED-MUG', quantity: 5, ...data },
  metadata,
});
const reserve = (data: Record<string, unknown> = {}) => ({
  type: 'ReserveStock',
  data: {
    reservationId: 'res-1',
    orderId: 'order-1',
    items: [{ sku: 'SKU-RED-MUG', quantity: 2 }],
    stock: [{ sku: 'SKU-RED-MUG', available: 10 }],
    ...data,
  },
  metadata,
});
const release = (data: Record<string, unknown> = {}) => ({
  type: 'ReleaseStock',
  data: { orderId: 'order-1', reason: 'payment declined', ...data },
  metadata,
});

/** The paths zod complained about (each once); fails the test when parsing succeeds or throws something else. */
function issuesOf(input: unknown): string[] {
  try {
    parseCommand(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).details.issues as { path: PropertyKey[] }[];
    return [...new Set(issues.map((i) => i.path.join('.')))];
  }
  throw new Error('expected a ValidationError');
}

describe('inventory parseCommand', () => {
  it('accepts well-formed commands as they are', () => {
    for (const command of [addProduct(), restock(), reserve(), release()]) {
      expect(parseCommand(command)).toEqual(command);
    }
  });

  it.each([
    ['a lower-case SKU', { sku: 'sku-red-mug' }, 'data.sku'],
    ['a SKU with spaces', { sku: 'RED MUG' }, 'data.sku'],
    ['an empty name', { name: '' }, 'data.name'],
    ['a negative price', { price: -1 }, 'data.price'],
    ['a zero price', { price: 0 }, 'data.price'],
    ['a fractional price', { price: 12.5 }, 'data.price'],
    ['a currency that is not ISO 4217', { currency: 'euro' }, 'data.currency'],
    ['a negative initial stock', { initialStock: -1 }, 'data.initialStock'],
    ['an unknown field', { colour: 'red' }, 'data'],
  ])('AddProduct refuses %s', (_, data, path) => {
    expect(issuesOf(addProduct(data))).toEqual([path]);
  });

  it('AddProduct accepts an initial stock of 0', () => {
    expect(parseCommand(addProduct({ initialStock: 0 })).data).toMatchObject({ initialStock: 0 });
  });

  it.each([
    ['a quantity of 0', { quantity: 0 }, 'data.quantity'],
    ['a negative quantity', { quantity: -3 }, 'data.quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'data.quantity'],
    ['an absurd quantity', { quantity: 1_000_001 }, 'data.quantity'],
  ])('Restock refuses %s', (_, data, path) => {
    expect(issuesOf(restock(data))).toEqual([path]);
  });

  it.each([
    ['no lines', { items: [] }, 'data.items'],
    ['a line of quantity 0', { items: [{ sku: 'SKU-RED-MUG', quantity: 0 }] }, 'data.items.0.quantity'],
    ['a line with a bad SKU', { items: [{ sku: 'x y', quantity: 1 }] }, 'data.items.0.sku'],
    ['a negative stock level', { stock: [{ sku: 'SKU-RED-MUG', available: -1 }] }, 'data.stock.0.available'],
    ['no order id', { orderId: '' }, 'data.orderId'],
  ])('ReserveStock refuses %s', (_, data, path) => {
    expect(issuesOf(reserve(data))).toEqual([path]);
  });

  it('ReleaseStock refuses an empty reason', () => {
    expect(issuesOf(release({ reason: '' }))).toEqual(['data.reason']);
  });

  it('refuses an unknown command and missing metadata', () => {
    expect(issuesOf({ ...restock(), type: 'DeleteProduct' })).toEqual(['type']);
    expect(issuesOf({ type: 'Restock', data: { sku: 'SKU-A', quantity: 1 } })).toEqual(['metadata']);
  });

  it('puts zod issues in the details', () => {
    expect(() => parseCommand(restock({ quantity: 0 }))).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        details: { issues: [expect.objectContaining({ path: ['data', 'quantity'], code: 'too_small' })] },
      }),
    );
  });
});
