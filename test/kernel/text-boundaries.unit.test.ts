import { describe, expect, it } from 'vitest';
import { parseCommand as parseInventory } from '../../functions/inventory/domain/index.js';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import { MAX_MONEY } from '../../functions/kernel/domain/limits.js';
import { parseCommand as parseReviews } from '../../functions/reviews/domain/index.js';
import { parseCommand as parseUsers } from '../../functions/users/domain/index.js';

/**
 * Every boundary that takes free text from people uses the kernel's `text` refinement: users' names and
 * emails, the catalogue's product names and descriptions, review comments (orders' address lines are in
 * test/orders/order-limits.unit.test.ts). Control characters and unpaired surrogates are refused with a
 * ValidationError naming the field; the text that is stored is NFC and trimmed.
 */
const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2026-12-04T12:00:00.000Z',
  actor: { type: 'system', id: 't' },
};
const register = (data: Record<string, unknown>) => ({
  type: 'RegisterUser',
  data: { userId: 'user-1', email: 'ann@example.com', name: 'Ann', ...data },
  metadata,
});
const addProduct = (data: Record<string, unknown>) => ({
  type: 'AddProduct',
  data: { sku: 'SKU-MUG', name: 'Mug', price: 1250, currency: 'USD', initialStock: 1, ...data },
  metadata,
});
const review = (data: Record<string, unknown>) => ({
  type: 'SubmitReview',
  data: {
    reviewId: 'r-1',
    orderId: 'o-1',
    sku: 'SKU-MUG',
    rating: 5,
    comment: 'Nice',
    order: { customerId: 'user-1', delivered: true, skus: ['SKU-MUG'] },
    ...data,
  },
  metadata,
});

function refusedAt(parse: (input: unknown) => unknown, input: unknown): string[] {
  try {
    parse(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return ((error as ValidationError).details.issues as { path: PropertyKey[] }[]).map((i) =>
      i.path.join('.'),
    );
  }
  throw new Error('expected a ValidationError');
}

const BAD = [
  ['NUL', 'Ann\u0000'],
  ['ESC', 'A\u001b[2Jnn'],
  ['C1 CSI', 'A\u009bnn'],
  ['an unpaired surrogate', 'A\ud800nn'],
] as const;

describe('free text at every boundary', () => {
  it.each(BAD)('users: refuses %s in a name and an email', (_what, bad) => {
    expect(refusedAt(parseUsers, register({ name: bad }))).toEqual(['data.name']);
    expect(refusedAt(parseUsers, register({ email: `a${bad}@example.com` }))).toEqual(['data.email']);
  });

  it.each(BAD)('inventory: refuses %s in a product name and a description', (_what, bad) => {
    expect(refusedAt(parseInventory, addProduct({ name: bad }))).toEqual(['data.name']);
    expect(refusedAt(parseInventory, addProduct({ description: bad }))).toEqual(['data.description']);
  });

  it.each(BAD)('reviews: refuses %s in a comment', (_what, bad) => {
    expect(refusedAt(parseReviews, review({ comment: bad }))).toEqual(['data.comment']);
  });

  it('stores NFC, trimmed text; a comment keeps its line breaks', () => {
    expect(parseUsers(register({ name: ' Zoe\u0308 ' })).data).toMatchObject({ name: 'Zoë' });
    expect(parseInventory(addProduct({ name: '  Mug ' })).data).toMatchObject({ name: 'Mug' });
    expect(parseReviews(review({ comment: 'Good.\r\nWould buy again.' })).data).toMatchObject({
      comment: 'Good.\nWould buy again.',
    });
  });
});

describe('catalogue prices', () => {
  it('takes a price up to what GraphQL Int shows, and refuses one above it', () => {
    expect(parseInventory(addProduct({ price: MAX_MONEY })).data).toMatchObject({ price: MAX_MONEY });
    expect(refusedAt(parseInventory, addProduct({ price: MAX_MONEY + 1 }))).toEqual(['data.price']);
  });
});
