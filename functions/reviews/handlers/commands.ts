import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseWith } from '../../kernel/domain/commands.js';
import { KernelConfigurationError } from '../../kernel/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import { id } from '../../kernel/events/primitives.js';
import { type CommandContext, commandHandler } from '../../kernel/service/command-handler.js';
import { documentClient } from '../../kernel/store/dynamodb.js';
import { handleCommand } from '../../kernel/store/index.js';
import * as z from '../../kernel/zod.js';
import { parseCommand, reviewDecider, reviewStreamId, SubmitReview } from '../domain/index.js';
import { lookUpOrderFacts, REVIEWABLE_ORDERS_TABLE_ENV } from './order-facts.js';

/**
 * What callers send: SubmitReview without the order's facts (the handler looks them up in reviews' own
 * ReviewableOrders read model). `reviewId` defaults to the command id: the same invocation retried
 * (same `commandId`) is the same review and a no-op; another submission for that order and SKU is refused.
 */
const SubmitReviewRequest = z.extend(SubmitReview, {
  data: z.strictObject({
    ...z.omit(SubmitReview.shape.data, { order: true, reviewId: true }).shape,
    reviewId: z.optional(id),
  }),
});

export const reviewsRequestSchema = z.discriminatedUnion('type', [SubmitReviewRequest]);
export type ReviewsRequest = z.infer<typeof reviewsRequestSchema>;

export function parseRequest(input: unknown): ReviewsRequest {
  return parseWith(reviewsRequestSchema, input, 'reviews');
}

/** The review as stored (what GraphQL's `Review` shows). */
export type ReviewResult = {
  readonly reviewId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly sku: string;
  readonly rating: number;
  readonly comment: string;
  readonly submittedAt: string;
};

let factsClient: DynamoDBDocumentClient | undefined;

export async function execute(
  request: ReviewsRequest,
  { store, metadata, tools }: Pick<CommandContext, 'store' | 'metadata' | 'tools'>,
): Promise<{ events: readonly DomainEvent[]; result: ReviewResult }> {
  const tableName = process.env[REVIEWABLE_ORDERS_TABLE_ENV];
  if (!tableName) {
    throw new KernelConfigurationError(`${REVIEWABLE_ORDERS_TABLE_ENV} is not set: grant ReviewableOrders`);
  }
  factsClient ??= documentClient(tools.captureClient(new DynamoDBClient({})));
  const { orderId, sku } = request.data;
  const order = await lookUpOrderFacts(factsClient, tableName, orderId);
  const command = parseCommand({
    ...request,
    data: { ...request.data, reviewId: request.data.reviewId ?? request.metadata.commandId, order },
  });
  const streamId = reviewStreamId(orderId, sku);
  const { events } = await handleCommand({ store, decider: reviewDecider, streamId, command, metadata });
  // A retry appends nothing: answer with the review the stream holds.
  const stored = events.length > 0 ? events : (await store.load(streamId)).events;
  const submitted = stored.find((e) => e.type === 'ReviewSubmitted');
  if (submitted?.type !== 'ReviewSubmitted') throw new Error(`no review in ${streamId} after SubmitReview`);
  return { events, result: { ...submitted.data, submittedAt: submitted.occurredAt } };
}

/** The reviews service's commands: SubmitReview, on `review#<orderId>#<sku>` (one per order and SKU). */
export const handler = commandHandler<ReviewsRequest, ReviewResult>({
  service: 'reviews',
  parseCommand: parseRequest,
  execute,
});
