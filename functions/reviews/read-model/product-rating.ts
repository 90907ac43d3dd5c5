import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const PRODUCT_RATING_TABLE_ENV = 'PRODUCT_RATING_TABLE';

/**
 * ProductRating — average and count of a SKU's reviews (`productReviews(sku)`, `Product.rating`).
 * AGGREGATES ACROSS STREAMS: every review is its own stream, so there is no single stream order and the
 * projector cannot compare one stream version. The function is therefore order-independent and idempotent
 * by itself: it keeps each review's rating keyed by reviewId (one ReviewSubmitted per review, so this
 * dedupes as eventId would, and also a review republished under a new eventId), with the stream version
 * and event it came from. Applying the same events in any order, any number of times, gives the same view
 * (records are rebuilt with sorted keys so even the stored JSON is identical).
 */
export type RatedReview = {
  readonly rating: number;
  /** The event this rating came from and its stream version (the version the view reflects for that review). */
  readonly eventId: string;
  readonly streamVersion: number;
};

export type ProductRating = {
  readonly sku: string;
  readonly count: number;
  /** Exact mean of the ratings (1..5); 0 never occurs because a view exists only with a review. */
  readonly average: number;
  readonly ratingSum: number;
  /** Count per star, '1'..'5'. */
  readonly distribution: Readonly<Record<'1' | '2' | '3' | '4' | '5', number>>;
  readonly reviews: Readonly<Record<string, RatedReview>>;
  /** The latest occurredAt among the reviews. */
  readonly updatedAt: string;
};

/** The view key: the SKU reviewed. */
export function productRatingKey(event: DomainEvent): string | undefined {
  return event.type === 'ReviewSubmitted' ? event.data.sku : undefined;
}

export function projectProductRating(
  view: ProductRating | undefined,
  event: DomainEvent,
): ProductRating | undefined {
  if (event.type !== 'ReviewSubmitted') return view;
  if (view && view.sku !== event.data.sku) return view;
  const { reviewId, sku, rating } = event.data;
  const incoming: RatedReview = { rating, eventId: event.eventId, streamVersion: event.streamVersion };
  const current = view?.reviews[reviewId];
  const reviews = { ...view?.reviews, [reviewId]: current ? winner(current, incoming) : incoming };
  const ratings = Object.values(reviews).map((r) => r.rating);
  const ratingSum = ratings.reduce((a, b) => a + b, 0);
  const star = (n: number) => ratings.filter((r) => r === n).length;
  return {
    sku,
    count: ratings.length,
    average: ratingSum / ratings.length,
    ratingSum,
    distribution: { '1': star(1), '2': star(2), '3': star(3), '4': star(4), '5': star(5) },
    reviews: sortedRecord(reviews),
    updatedAt: view ? later(view.updatedAt, event.occurredAt) : event.occurredAt,
  };
}

/** Two versions of one review (should not happen): the higher stream version wins, then the larger eventId. */
/** For the kernel projector: table partition key `sku`. */
export const productRatingProjection: Projection<ProductRating> = {
  name: 'ProductRating',
  keyAttribute: 'sku',
  keyOf: productRatingKey,
  // keyOf maps only ReviewSubmitted here, which always yields a view.
  project: (view, event) => projectProductRating(view, event)!,
};

function winner(a: RatedReview, b: RatedReview): RatedReview {
  if (a.streamVersion !== b.streamVersion) return a.streamVersion > b.streamVersion ? a : b;
  return a.eventId >= b.eventId ? a : b;
}

/** The later of two instants; equal instants written differently resolve to the larger string. */
function later(a: string, b: string): string {
  const d = Date.parse(a) - Date.parse(b);
  if (d !== 0) return d > 0 ? a : b;
  return a >= b ? a : b;
}

function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
