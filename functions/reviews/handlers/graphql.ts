import { text } from '../../kernel/domain/text.js';
import { id, sku } from '../../kernel/events/primitives.js';
import {
  actorOf,
  field,
  functionFromEnv,
  getView,
  graphqlHandler,
  listPage,
  pageArgs,
  readClient,
  tableFromEnv,
} from '../../kernel/graphql/index.js';
import * as z from '../../kernel/zod.js';
import type { RatedReview } from '../read-model/product-rating.js';
import { PRODUCT_RATING_TABLE_ENV } from '../read-model/product-rating.js';

/**
 * The reviews source API's resolvers: `submitReview` through reviews' Commands (only the order's customer,
 * once delivered: the domain decides and refuses with ForbiddenError / BusinessRuleError), `productReviews`,
 * `productReviewsPage` and `Product.rating` from ProductRating. ProductRating keeps ratings, not comments, so a
 * listed review's comment is null. A product's reviews are one ProductRating item (a key read, bounded by the
 * item size), so a page is cut from it by review id, with a token valid for that SKU only.
 */
const db = (ctx: { tools: { captureClient<C>(c: C): C } }) => readClient((c) => ctx.tools.captureClient(c));
const rating = async (ctx: Parameters<typeof db>[0], productSku: string) =>
  getView(db(ctx), tableFromEnv(PRODUCT_RATING_TABLE_ENV), { sku: productSku });

async function reviewsOf(ctx: Parameters<typeof db>[0], productSku: string) {
  const view = await rating(ctx, productSku);
  const reviews = (view?.reviews ?? {}) as Record<string, RatedReview>;
  return Object.entries(reviews).map(([reviewId, review]) => ({
    id: reviewId,
    sku: productSku,
    rating: review.rating,
    orderId: null,
    comment: null,
  }));
}

export const handler = graphqlHandler({
  service: 'reviews',
  fields: {
    'Mutation.submitReview': field(
      z.strictObject({
        input: z.strictObject({
          orderId: id,
          sku,
          rating: z.number().check(z.int(), z.gte(1), z.lte(5)),
          comment: text(z.string().check(z.minLength(1), z.maxLength(2000)), { multiline: true }),
        }),
      }),
      async ({ input }, ctx) => {
        const { result } = await ctx.invoker.invoke<{ reviewId: string }>(
          functionFromEnv('REVIEWS_COMMANDS_FUNCTION'),
          { type: 'SubmitReview', data: input },
          actorOf(ctx.caller),
        );
        return { ...input, id: result.reviewId };
      },
    ),
    'Query.productReviews': field(z.strictObject({ sku }), async ({ sku: productSku }, ctx) =>
      reviewsOf(ctx, productSku),
    ),
    'Query.productReviewsPage': field(
      z.strictObject({ sku, ...pageArgs }),
      async ({ sku: productSku, limit, nextToken }, ctx) =>
        listPage(await reviewsOf(ctx, productSku), {
          scope: `reviews/${productSku}`,
          keyOf: (review) => review.id,
          limit,
          nextToken,
        }),
    ),
    'Product.rating': field(z.strictObject({}), async (_args, ctx) => {
      const productSku = ctx.source?.sku;
      if (typeof productSku !== 'string') return null;
      const view = await rating(ctx, productSku);
      if (!view) return { average: null, count: 0 };
      return { average: view.count ? view.average : null, count: view.count };
    }),
  },
});
