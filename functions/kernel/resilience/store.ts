import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, documentClient } from '../store/dynamodb.js';
import * as z from '../zod.js';
import { CircuitStateError } from './errors.js';

export const CIRCUIT_STATES = ['CLOSED', 'OPEN', 'HALF_OPEN'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/**
 * One circuit's shared state: one item per circuit, keyed by `name`. `version` increases by one on every
 * write, and every write is conditional on the version it replaces: two environments that saw the same
 * state cannot both move it (the last-writer-wins race of circuitbreaker-lambda), which is also how exactly
 * one of them becomes the half-open probe. Times are epoch milliseconds.
 */
export const circuitRecordSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(128)),
  state: z.enum(CIRCUIT_STATES),
  version: z.number().check(z.int(), z.gte(1)),
  /** The failures that opened the circuit (0 while closed: live counts stay in each environment's memory). */
  failureCount: z.number().check(z.int(), z.gte(0)),
  openedAt: z.optional(z.number()),
  nextAttemptAt: z.optional(z.number()),
  /** Successful probes since the circuit went half-open. */
  halfOpenSuccesses: z.number().check(z.int(), z.gte(0)),
  /** The environment holding the half-open probe, and until when (a crashed probe frees it then). */
  probeOwner: z.optional(z.string()),
  probeLeaseUntil: z.optional(z.number()),
  updatedAt: z.number(),
});
export type CircuitRecord = z.infer<typeof circuitRecordSchema>;

/** Where circuits keep their shared state. */
export interface CircuitStateStore {
  get(name: string): Promise<CircuitRecord | undefined>;
  /**
   * Writes `next` if the stored item's version is still `expectedVersion` (0: no item yet). `false` means
   * another environment moved first: nothing was written.
   */
  transition(next: CircuitRecord, expectedVersion: number): Promise<boolean>;
  /** The stored records of these circuits (absent ones left out). */
  list(names: readonly string[]): Promise<CircuitRecord[]>;
}

/**
 * The DynamoDB store. The client is short-fused on purpose (one retry, 1 s per request): a breaker that
 * waits long on its own state table protects nothing, and an unreachable table makes the breaker fail open.
 */
export function dynamoCircuitStore(options: {
  readonly tableName: string;
  readonly client?: DynamoDBDocumentClient;
}): CircuitStateStore {
  const db =
    options.client ??
    documentClient(
      new DynamoDBClient({
        maxAttempts: 2,
        requestHandler: { requestTimeout: 1000, connectionTimeout: 500 },
      }),
    );
  const TableName = options.tableName;
  const parse = (item: unknown): CircuitRecord | undefined => {
    const parsed = circuitRecordSchema.safeParse(item);
    return parsed.success ? parsed.data : undefined;
  };
  return {
    async get(name) {
      const out = await db.send(new GetCommand({ TableName, Key: { name }, ConsistentRead: true }));
      if (!out.Item) return undefined;
      // An item that is not a record (written by hand?) is an error, not "closed": the breaker then fails
      // open loudly (logged, metric) instead of silently never opening (its writes would all lose).
      const record = parse(out.Item);
      if (!record) throw new CircuitStateError(name);
      return record;
    },
    async transition(next, expectedVersion) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: next,
            ConditionExpression:
              expectedVersion === 0 ? 'attribute_not_exists(#name)' : '#version = :expected',
            ExpressionAttributeNames: expectedVersion === 0 ? { '#name': 'name' } : { '#version': 'version' },
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        );
        return true;
      } catch (error) {
        // By name, not instanceof: a bundle may hold two copies of the SDK's error classes.
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    async list(names) {
      const items = await batchGetAll(db, {
        tableName: TableName,
        keys: names.map((name) => ({ name })),
        attempts: 3,
        label: 'circuit breakers',
      });
      return items.flatMap((item) => parse(item) ?? []);
    },
  };
}
