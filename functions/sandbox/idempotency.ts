/**
 * The sandbox's memory of answered requests, as a provider keeps it: an idempotency key answered once is
 * answered the same way again (a retried charge never charges twice), and the same key with another request
 * is refused. One DynamoDB item per key, written only if absent, kept a day (TTL). Outages are not kept: an
 * attempt that failed as an outage may succeed when retried, as with real providers.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SANDBOX_TABLE_KEY, SANDBOX_TABLE_TTL } from './environment.js';

const KEEP_SECONDS = 24 * 3600;

export interface Remembered {
  readonly statusCode: number;
  readonly body: string;
}

export type Recall =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly answer: Remembered }
  | { readonly kind: 'mismatch' };

export interface AnswerStore {
  /**
   * Keeps `answer` for `key` unless one is kept: then the kept one wins (an earlier call's, or a concurrent
   * twin's), or the key was used for another request (`mismatch`).
   */
  remember(key: string, request: string, answer: Remembered): Promise<Recall>;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

export function dynamoAnswerStore(tableName: string, client: DynamoDBClient): AnswerStore {
  const db = DynamoDBDocumentClient.from(client);
  const read = async (key: string, request: string): Promise<Recall> => {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: { [SANDBOX_TABLE_KEY]: key }, ConsistentRead: true }),
    );
    if (!Item) return { kind: 'new' };
    if (Item.requestHash !== hash(request)) return { kind: 'mismatch' };
    return { kind: 'replay', answer: { statusCode: Number(Item.statusCode), body: String(Item.body) } };
  };
  return {
    async remember(key, request, answer) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [SANDBOX_TABLE_KEY]: key,
              requestHash: hash(request),
              statusCode: answer.statusCode,
              body: answer.body,
              [SANDBOX_TABLE_TTL]: Math.floor(Date.now() / 1000) + KEEP_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(#k)',
            ExpressionAttributeNames: { '#k': SANDBOX_TABLE_KEY },
          }),
        );
        return { kind: 'new' };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return read(key, request);
        throw error;
      }
    },
  };
}
