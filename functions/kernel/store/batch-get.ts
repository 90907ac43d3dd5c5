import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventStoreError } from './errors.js';

/** BatchGetItem takes up to 100 keys. */
const BATCH_GET_KEYS = 100;

export interface BatchGetOptions {
  readonly tableName: string;
  readonly keys: readonly Record<string, unknown>[];
  /** @default true */
  readonly consistentRead?: boolean;
  readonly projectionExpression?: string;
  readonly expressionAttributeNames?: Record<string, string>;
  /** Requests per chunk of 100 keys before the keys DynamoDB leaves unprocessed are given up on. */
  readonly attempts: number;
  /** Names the read in the error. */
  readonly label: string;
}

/**
 * The items of `keys` the table holds (keys it does not hold are simply absent), read with BatchGetItem in
 * chunks of 100. The keys DynamoDB leaves unprocessed (throttling) are asked again after a pause of
 * random(0, 50 ms × 2ⁿ); after `attempts` requests for a chunk, an EventStoreError READ_FAILED.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  options: BatchGetOptions,
): Promise<Record<string, unknown>[]> {
  const { tableName } = options;
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < options.keys.length; i += BATCH_GET_KEYS) {
    let pending: Record<string, unknown>[] = options.keys.slice(i, i + BATCH_GET_KEYS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= options.attempts) {
        throw new EventStoreError(
          'READ_FAILED',
          `${options.label}: ${pending.length} keys still unprocessed by BatchGetItem`,
          { keys: pending.length },
        );
      }
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: options.consistentRead ?? true,
              ...(options.projectionExpression ? { ProjectionExpression: options.projectionExpression } : {}),
              ...(options.expressionAttributeNames
                ? { ExpressionAttributeNames: options.expressionAttributeNames }
                : {}),
            },
          },
        }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}
