import { describe, expect, it } from 'vitest';
import {
  BusinessRuleError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type OrderFacts,
  parseCommand,
  type ReviewCommand,
  type ReviewFact,
  reviewDecider,
  reviewStreamId,
} from '../../functions/reviews/domain/index.js';
import { spec } from '../helpers/decider.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'user', id: 'user-1' },
} as const;
const deliveredOrder: OrderFacts = {
  customerId: 'user-1',
  delivered: true,
  skus: ['SKU-RED-MUG', 'SKU-TEA'],
};

const submit = (
  overrides: Partial<{ reviewId: string; sku: string; order: OrderFacts | null }> = {},
  meta: ReviewCommand['metadata'] = metadata,
): ReviewCommand => ({
  type: 'SubmitReview',
  data: {
    reviewId: 'rev-1',
    orderId: 'order-1',
    sku: 'SKU-TEA',
    rating: 5,
    comment: 'Lovely tea',
    order: deliveredOrder,
    ...overrides,
  },
  metadata: meta,
});
const submitted: ReviewFact = {
  type: 'ReviewSubmitted',
  data: {
    reviewId: 'rev-1',
    orderId: 'order-1',
    customerId: 'user-1',
    sku: 'SKU-TEA',
    rating: 5,
    comment: 'Lovely tea',
  },
};

const given = (facts: ReviewFact[]) => spec(reviewDecider).given(facts);

describe('reviews decider', () => {
  it("records the customer's review of a SKU of a delivered order", () => {
    given([]).when(submit()).thenEmits([submitted]);
  });

  it('refuses an order that does not exist', () => {
    given([])
      .when(submit({ order: null }))
      .thenThrows(NotFoundError, 'NOT_FOUND');
  });

  it('refuses another customer', () => {
    given([])
      .when(submit({}, { ...metadata, actor: { type: 'user', id: 'user-2' } }))
      .thenThrows(ForbiddenError, 'FORBIDDEN');
  });

  it('refuses a service writing a review on the customer’s behalf', () => {
    given([])
      .when(submit({}, { ...metadata, actor: { type: 'service', id: 'user-1' } }))
      .thenThrows(ForbiddenError);
  });

  it('refuses another customer before saying whether the order was delivered', () => {
    given([])
      .when(
        submit(
          { order: { ...deliveredOrder, delivered: false } },
          { ...metadata, actor: { type: 'user', id: 'x' } },
        ),
      )
      .thenThrows(ForbiddenError);
  });

  it('refuses a SKU the order does not have', () => {
    given([])
      .when(submit({ sku: 'SKU-KETTLE' }))
      .thenThrows(BusinessRuleError, 'sku-in-order');
  });

  it('refuses an order not delivered yet', () => {
    given([])
      .when(submit({ order: { ...deliveredOrder, delivered: false } }))
      .thenThrows(BusinessRuleError, 'order-delivered');
  });

  it('refuses a second review of the same order and SKU', () => {
    given([submitted])
      .when(submit({ reviewId: 'rev-2' }))
      .thenThrows(BusinessRuleError, 'one-review-per-order-and-sku');
  });

  it('emits nothing for the same review again (retry)', () => {
    given([submitted]).when(submit()).thenEmits([]);
  });

  it('emits facts the event catalogue accepts', () => {
    expect(latestEntry('ReviewSubmitted')?.dataSchema.safeParse(submitted.data).error).toBeUndefined();
  });

  it('names the stream after the order and the SKU', () => {
    expect(reviewStreamId('order-1', 'SKU-TEA')).toBe('review#order-1#SKU-TEA');
  });
});

describe('reviews parseCommand', () => {
  const input = (data: Record<string, unknown> = {}) => ({
    type: 'SubmitReview',
    data: {
      reviewId: 'rev-1',
      orderId: 'order-1',
      sku: 'SKU-TEA',
      rating: 4,
      comment: 'Good',
      order: deliveredOrder,
      ...data,
    },
    metadata,
  });
  const issuesOf = (raw: unknown) => {
    try {
      parseCommand(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).details.issues as { path: PropertyKey[] }[];
      return [...new Set(issues.map((i) => i.path.join('.')))];
    }
    throw new Error('expected a ValidationError');
  };

  it('accepts a well-formed review and trims the comment', () => {
    expect(parseCommand(input({ comment: '  Good  ' }))).toEqual(input());
  });

  it.each([1, 5])('accepts rating %d', (rating) => {
    expect(parseCommand(input({ rating })).data).toMatchObject({ rating });
  });

  it('accepts an empty comment and an unknown order', () => {
    expect(parseCommand(input({ comment: '', order: null })).data).toMatchObject({
      comment: '',
      order: null,
    });
  });

  it.each([
    ['rating 0', { rating: 0 }, 'data.rating'],
    ['rating 6', { rating: 6 }, 'data.rating'],
    ['rating 4.5', { rating: 4.5 }, 'data.rating'],
    ['a rating as a string', { rating: '5' }, 'data.rating'],
    ['a comment over 2000 characters', { comment: 'x'.repeat(2001) }, 'data.comment'],
    ['a bad SKU', { sku: 'tea' }, 'data.sku'],
    ['a missing order', { order: undefined }, 'data.order'],
    ['order facts without the customer', { order: { delivered: true, skus: [] } }, 'data.order.customerId'],
  ])('refuses %s', (_, data, path) => {
    expect(issuesOf(input(data))).toEqual([path]);
  });

  it('refuses an unknown command', () => {
    expect(issuesOf({ ...input(), type: 'EditReview' })).toEqual(['type']);
  });
});
