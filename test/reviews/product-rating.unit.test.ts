import { describe, expect, it } from 'vitest';
import { productRatingKey, projectProductRating } from '../../functions/reviews/read-model/product-rating.js';
import { event, permutations, project } from '../helpers/events.js';

const review = (reviewId: string, rating: number, occurredAt: string, sku = 'SKU-MUG') =>
  event(
    'ReviewSubmitted',
    { reviewId, orderId: `order-${reviewId}`, customerId: `cust-${reviewId}`, sku, rating, comment: '' },
    { streamId: reviewId, streamVersion: 1, occurredAt },
  );
const r1 = review('r1', 5, '2025-03-01T10:00:00.000Z');
const r2 = review('r2', 4, '2025-03-03T10:00:00.000Z');
const r3 = review('r3', 2, '2025-03-02T10:00:00.000Z');
const r4 = review('r4', 5, '2025-03-02T12:00:00+02:00');

describe('projectProductRating (aggregates across review streams)', () => {
  it('averages and counts the ratings of a SKU', () => {
    expect(project(projectProductRating, [r1, r2, r3])).toEqual({
      sku: 'SKU-MUG',
      count: 3,
      average: 11 / 3,
      ratingSum: 11,
      distribution: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 },
      reviews: {
        r1: { rating: 5, eventId: 'r1@1', streamVersion: 1 },
        r2: { rating: 4, eventId: 'r2@1', streamVersion: 1 },
        r3: { rating: 2, eventId: 'r3@1', streamVersion: 1 },
      },
      updatedAt: '2025-03-03T10:00:00.000Z',
    });
  });

  it('gives the same view whatever the order of the events (every permutation, identical JSON)', () => {
    const views = permutations([r1, r2, r3, r4]).map((events) =>
      JSON.stringify(project(projectProductRating, events)),
    );
    expect(new Set(views).size).toBe(1);
    expect(JSON.parse(views[0]!)).toMatchObject({ count: 4, ratingSum: 16, average: 4 });
  });

  it('counts a redelivered review once, even under another eventId', () => {
    const once = project(projectProductRating, [r1, r2]);
    expect(project(projectProductRating, [r1, r2, r1, r2])).toEqual(once);
    const republished = event(
      'ReviewSubmitted',
      { reviewId: 'r1', orderId: 'order-r1', customerId: 'cust-r1', sku: 'SKU-MUG', rating: 5, comment: '' },
      { streamId: 'r1', streamVersion: 1, occurredAt: '2025-03-01T10:00:00.000Z', eventId: 'r1@1' },
    );
    expect(projectProductRating(once, republished)?.count).toBe(2);
  });

  it('keys views by SKU and ignores other SKUs and other events', () => {
    const other = review('r9', 1, '2025-03-01T10:00:00.000Z', 'SKU-TEA');
    expect(productRatingKey(other)).toBe('SKU-TEA');
    const view = project(projectProductRating, [r1]);
    expect(projectProductRating(view, other)).toBe(view);
    const user = event(
      'UserCreated',
      { userId: 'u', email: 'a@example.com', name: 'A' },
      { streamId: 'u', streamVersion: 1 },
    );
    expect(productRatingKey(user)).toBeUndefined();
    expect(projectProductRating(view, user)).toBe(view);
  });
});
