import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import { MAX_MONEY, MAX_ORDER_LINES } from '../../functions/kernel/domain/limits.js';
import {
  type CommandMetadata,
  type OrderCommand,
  orderDecider,
  parseCommand,
} from '../../functions/orders/domain/index.js';
import { spec } from '../helpers/decider.js';

/**
 * Issue 18, item 5: an order that cannot be shown (GraphQL Int), charged or reserved is refused when it is
 * placed, with a ValidationError, before anything is written.
 */
const meta: CommandMetadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'user', id: 'cust-1' },
};
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
type PlaceData = Extract<OrderCommand, { type: 'PlaceOrder' }>['data'];

const place = (over: Partial<PlaceData>): OrderCommand => ({
  type: 'PlaceOrder',
  data: {
    orderId: 'order-1',
    customerId: 'cust-1',
    items: [{ sku: 'SKU-MUG', quantity: 1 }],
    shippingAddress: address,
    paymentToken: 'tok_visa',
    idempotencyKey: 'key-1',
    products: [{ sku: 'SKU-MUG', price: 1250, currency: 'USD' }],
    ...over,
  },
  metadata: meta,
});
const placeInput = (over: Record<string, unknown>) => ({
  ...place({}),
  data: { ...place({}).data, ...over },
});
const catalogue = (n: number, price = 100) =>
  Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, price, currency: 'USD' }));
const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));

/** The ValidationError `parseCommand` throws, with its issues' paths and messages. */
function refusal(input: unknown): { path: string; message: string }[] {
  try {
    parseCommand(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).details.issues as { path: PropertyKey[]; message: string }[];
    return issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }
  throw new Error('expected a ValidationError');
}

describe('PlaceOrder money limits (decider)', () => {
  const top = [{ sku: 'SKU-TOP', price: MAX_MONEY, currency: 'USD' }];

  it('given no order, when a 2^31 − 1 product is ordered twice, then it is refused (total above GraphQL Int)', () => {
    spec(orderDecider)
      .given([])
      .when(place({ items: [{ sku: 'SKU-TOP', quantity: 2 }], products: top }))
      .thenThrows(ValidationError, 'VALIDATION_ERROR');
    expect(() =>
      orderDecider.decide(place({ items: [{ sku: 'SKU-TOP', quantity: 2 }], products: top }), {
        status: 'NONE',
      }),
    ).toThrow(/4294967294 is above 2147483647/);
  });

  it('given no order, when one 2^31 − 1 product is ordered, then it is placed at exactly the limit', () => {
    const [fact] = orderDecider.decide(place({ items: [{ sku: 'SKU-TOP', quantity: 1 }], products: top }), {
      status: 'NONE',
    });
    expect(fact).toMatchObject({ type: 'OrderPlaced', data: { total: MAX_MONEY } });
  });

  it('given no order, when lines each below the limit add up above it, then the total is refused', () => {
    const half = [
      { sku: 'SKU-A', price: 2 ** 30, currency: 'USD' },
      { sku: 'SKU-B', price: 2 ** 30, currency: 'USD' },
    ];
    spec(orderDecider)
      .given([])
      .when(
        place({
          items: [
            { sku: 'SKU-A', quantity: 1 },
            { sku: 'SKU-B', quantity: 1 },
          ],
          products: half,
        }),
      )
      .thenThrows(ValidationError, 'VALIDATION_ERROR');
  });
});

describe('PlaceOrder line limits (decider: checked after merging)', () => {
  it('given no order, when two lines of 1000 of one SKU are placed, then the merged 2000 are refused', () => {
    spec(orderDecider)
      .given([])
      .when(
        place({
          items: [
            { sku: 'SKU-MUG', quantity: 1000 },
            { sku: 'SKU-MUG', quantity: 1000 },
          ],
        }),
      )
      .thenThrows(ValidationError, 'VALIDATION_ERROR');
  });

  it('given no order, when more distinct SKUs than one reservation holds are placed, then it is refused', () => {
    spec(orderDecider)
      .given([])
      .when(place({ items: lines(MAX_ORDER_LINES + 1), products: catalogue(MAX_ORDER_LINES + 1) }))
      .thenThrows(ValidationError, 'VALIDATION_ERROR');
    const [fact] = orderDecider.decide(
      place({ items: lines(MAX_ORDER_LINES), products: catalogue(MAX_ORDER_LINES) }),
      { status: 'NONE' },
    );
    expect(fact?.type).toBe('OrderPlaced');
  });
});

describe('PlaceOrder boundary (parseCommand)', () => {
  it('merges duplicate SKUs before the per-line check: 1000 + 1000 of one SKU is refused', () => {
    expect(
      refusal(
        placeInput({
          items: [
            { sku: 'SKU-MUG', quantity: 1000 },
            { sku: 'SKU-MUG', quantity: 1000 },
          ],
        }),
      ),
    ).toEqual([{ path: 'data.items.0.quantity', message: expect.stringContaining('SKU-MUG: 2000') }]);
  });

  it('hands the decider merged lines', () => {
    const command = parseCommand(
      placeInput({
        items: [
          { sku: 'SKU-MUG', quantity: 2 },
          { sku: 'SKU-MUG', quantity: 3 },
        ],
      }),
    );
    expect(command.data).toMatchObject({ items: [{ sku: 'SKU-MUG', quantity: 5 }] });
  });

  it('refuses 100 distinct SKUs up front (a reservation transaction holds 99)', () => {
    expect(refusal(placeInput({ items: lines(100), products: catalogue(100) }))).toEqual([
      { path: 'data.items', message: 'an order has at most 99 distinct SKUs (this one has 100)' },
    ]);
  });

  it('refuses a catalogue price above GraphQL Int', () => {
    expect(
      refusal(placeInput({ products: [{ sku: 'SKU-MUG', price: MAX_MONEY + 1, currency: 'USD' }] }))[0]?.path,
    ).toBe('data.products.0.price');
  });

  it.each([
    ['line1', { ...address, line1: '1 Main St\u0000' }],
    ['city', { ...address, city: 'Spring\u001bfield' }],
    ['postalCode', { ...address, postalCode: '12345\u0085' }],
    ['line1', { ...address, line1: 'Main \ud800St' }],
  ])('refuses a control character or an unpaired surrogate in the address (%s)', (field, shippingAddress) => {
    expect(refusal(placeInput({ shippingAddress }))[0]?.path).toBe(`data.shippingAddress.${field}`);
  });

  it('normalizes address lines (NFC, trimmed) before they are stored', () => {
    const command = parseCommand(placeInput({ shippingAddress: { ...address, city: '  Ko\u0308ln ' } }));
    expect(command.type === 'PlaceOrder' && command.data.shippingAddress.city).toBe('Köln');
  });
});
