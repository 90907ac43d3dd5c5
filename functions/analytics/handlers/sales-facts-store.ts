import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { KernelError } from '../../kernel/errors.js';
import type { Counters } from '../read-model/sales-counters.js';
import {
  decodeOrder,
  decodeSaga,
  encodeOrder,
  encodeSaga,
  type OrderFacts,
  SALES_SUMMARY_KEY,
  type SagaFacts,
} from '../read-model/sales-summary.js';

/**
 * The facts items of SalesSummary, beside its summary item in the same table (partition key `id`):
 * `order#<orderId>` holds an order's facts (the short string of `encodeOrder`) and `sagas`, the ids of the
 * saga runs whose subject it is (so a confirmation finds the runs it makes succeed); `saga#<sagaId>` holds a
 * run's facts (`encodeSaga`). `_rev` counts an item's writes for optimistic concurrency; the kernel's
 * `viewOf`/`scanViews` leave it out, as they do for every read model.
 */
export const ORDER_PREFIX = 'order#';
export const SAGA_PREFIX = 'saga#';
const REVISION = '_rev';

export type FactsKey = `${typeof ORDER_PREFIX}${string}` | `${typeof SAGA_PREFIX}${string}`;

export interface StoredFacts {
  /** 0 when the item does not exist. */
  readonly rev: number;
  readonly order?: OrderFacts;
  readonly saga?: SagaFacts;
  /** Order items only: the runs whose subject the order is, sorted. */
  readonly sagas: readonly string[];
}

export const noFacts: StoredFacts = { rev: 0, sagas: [] };

export const orderKey = (orderId: string): FactsKey => `${ORDER_PREFIX}${orderId}`;
export const sagaKey = (sagaId: string): FactsKey => `${SAGA_PREFIX}${sagaId}`;
export const idOf = (key: string): string => key.slice(key.indexOf('#') + 1);
export const isOrderKey = (key: string): boolean => key.startsWith(ORDER_PREFIX);

/** A TransactWriteItems takes at most 100 items. */
export const MAX_TRANSACTION_ITEMS = 100;

export class SalesSummaryError extends KernelError {
  override readonly name = 'SalesSummaryError';
  constructor(
    readonly code: 'TOO_MANY_ITEMS' | 'WRITE_CONTENTION',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The item's attributes besides `_rev`: what decides whether it changed. */
export function storedForm(key: string, facts: StoredFacts): Record<string, unknown> {
  if (isOrderKey(key)) {
    return {
      ...(facts.order ? { facts: encodeOrder(facts.order) } : {}),
      ...(facts.sagas.length > 0 ? { sagas: [...facts.sagas] } : {}),
    };
  }
  return facts.saga ? { facts: encodeSaga(idOf(key), facts.saga) } : {};
}

export function factsFromItem(key: string, item: Record<string, unknown> | undefined): StoredFacts {
  if (!item) return noFacts;
  const rev = typeof item[REVISION] === 'number' ? (item[REVISION] as number) : 0;
  const encoded = typeof item.facts === 'string' ? item.facts : undefined;
  if (isOrderKey(key)) {
    const sagas = Array.isArray(item.sagas) ? (item.sagas as string[]) : [];
    return { rev, sagas, ...(encoded === undefined ? {} : { order: decodeOrder(encoded) }) };
  }
  return { rev, sagas: [], ...(encoded === undefined ? {} : { saga: decodeSaga(idOf(key), encoded) }) };
}

/** Strongly consistent reads of many facts items (BatchGetItem, 100 keys a call, unprocessed keys again). */
export async function readFacts(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly string[],
  into: Map<string, StoredFacts>,
): Promise<void> {
  const wanted = [...new Set(keys)].filter((k) => !into.has(k));
  for (let i = 0; i < wanted.length; i += 100) {
    let request: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100).map((id) => ({ id }));
    while (request && request.length > 0) {
      const out = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) {
        into.set(String(item.id), factsFromItem(String(item.id), item));
      }
      request = out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  for (const key of wanted) if (!into.has(key)) into.set(key, noFacts);
}

export interface FactsWrite {
  readonly key: string;
  readonly before: StoredFacts;
  readonly after: StoredFacts;
}

/**
 * One transaction: the changed facts items written on their revision, the items whose facts the deltas were
 * computed from checked unchanged, and the deltas added to the summary item. False on a clash (another
 * invocation changed one of those items first): read again and recompute.
 */
export async function commit(
  client: DynamoDBDocumentClient,
  tableName: string,
  writes: readonly FactsWrite[],
  checks: ReadonlyMap<string, StoredFacts>,
  deltas: Counters,
): Promise<boolean> {
  const onRevision = (rev: number) =>
    rev === 0
      ? { ConditionExpression: 'attribute_not_exists(id)' }
      : {
          ConditionExpression: '#r = :r',
          ExpressionAttributeNames: { '#r': REVISION },
          ExpressionAttributeValues: { ':r': rev },
        };
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    ...writes.map(({ key, before, after }) => ({
      Put: {
        TableName: tableName,
        Item: { id: key, ...storedForm(key, after), [REVISION]: before.rev + 1 },
        ...onRevision(before.rev),
      },
    })),
    ...[...checks].map(([key, facts]) => ({
      ConditionCheck: { TableName: tableName, Key: { id: key }, ...onRevision(facts.rev) },
    })),
  ];
  const names = Object.keys(deltas);
  if (names.length > 0) {
    items.push({
      Update: {
        TableName: tableName,
        Key: { id: SALES_SUMMARY_KEY },
        UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#c${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:c${i}`, deltas[n]])),
      },
    });
  }
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new SalesSummaryError(
      'TOO_MANY_ITEMS',
      `a SalesSummary update needs ${items.length} items, more than one transaction takes`,
    );
  }
  try {
    await client.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (isClash(error)) return false;
    throw error;
  }
}

function isClash(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TransactionConflictException' || name === 'ConditionalCheckFailedException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  // No reasons given: treat it as a clash (DynamoDB Local may leave them out); a real fault fails again.
  return (
    reasons.length === 0 ||
    reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')
  );
}

/**
 * `updatedAt`, the latest occurredAt applied, only ever moves forward: a conditional SET apart from the
 * transaction (a failed condition there would cancel the deltas). Instants are stored normalized
 * (`toISOString`), so the string comparison DynamoDB makes is the time order.
 */
export async function advanceUpdatedAt(
  client: DynamoDBDocumentClient,
  tableName: string,
  at: string,
): Promise<void> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { id: SALES_SUMMARY_KEY },
        UpdateExpression: 'SET updatedAt = :t',
        ConditionExpression: 'attribute_not_exists(updatedAt) OR updatedAt < :t',
        ExpressionAttributeValues: { ':t': at },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
}
