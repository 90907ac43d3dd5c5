import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.js';
import * as z from '../zod.js';

/** A page is at most this many items: a client cannot make one query read a whole partition. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** The GraphQL arguments of every paginated list: `limit` and the `nextToken` the previous page gave. */
export const pageArgs = {
  limit: z.nullish(z.number().check(z.int(), z.gte(1), z.lte(MAX_PAGE_SIZE))),
  nextToken: z.nullish(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export interface Page<T = Record<string, unknown>> {
  readonly items: T[];
  /** Opaque; null on the last page. */
  readonly nextToken: string | null;
}

export interface IndexQuery {
  readonly table: string;
  readonly index: string;
  /** The index's partition key attribute and the value the caller is allowed to read (checked before). */
  readonly partitionKey: string;
  readonly value: string;
  /** Every attribute of a LastEvaluatedKey on this index: the table's key and the index's keys. */
  readonly keyAttributes: readonly string[];
  readonly limit?: number | null;
  readonly nextToken?: string | null;
  /** @default true: newest (highest sort key) first */
  readonly descending?: boolean;
}

const tokenSchema = z.strictObject({
  v: z.literal(1),
  /** The partition the token was issued for. */
  p: z.string(),
  k: z.record(z.string(), z.string().check(z.maxLength(512))),
});

/**
 * One page of an index partition. The token is base64url JSON of the partition it was issued for and
 * DynamoDB's LastEvaluatedKey. It is not signed (there is no secret to sign it with locally): it needs not be,
 * because the Query's key condition is the caller's own partition, so a token can only choose where in that
 * partition to start. Still, a token from another query (another customer's), one with other attributes than
 * the index's key, or one that does not decode is refused as a ValidationError rather than sent to DynamoDB.
 */
export async function queryPage(db: DynamoDBDocumentClient, query: IndexQuery): Promise<Page> {
  const start = query.nextToken ? decodeIndexToken(query.nextToken, query) : undefined;
  const page = await db.send(
    new QueryCommand({
      TableName: query.table,
      IndexName: query.index,
      KeyConditionExpression: '#k = :v',
      ExpressionAttributeNames: { '#k': query.partitionKey },
      ExpressionAttributeValues: { ':v': query.value },
      ScanIndexForward: query.descending === false,
      Limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const last = page.LastEvaluatedKey;
  return {
    items: page.Items ?? [],
    nextToken: last ? encodeToken(query.value, query.keyAttributes, last) : null,
  };
}

/** A token of this partition whose key is in it: one that names the partition but starts elsewhere is refused. */
function decodeIndexToken(token: string, query: IndexQuery): Record<string, string> {
  const k = decodeToken(token, query.value, query.keyAttributes);
  if (k[query.partitionKey] !== query.value)
    throw new ValidationError('nextToken is not a token this query gave', { field: 'nextToken' });
  return k;
}

/** Every item of an index partition, page after page (for small partitions and older list fields). */
export async function queryAll(
  db: DynamoDBDocumentClient,
  query: IndexQuery,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let nextToken: string | null = null;
  do {
    const page: Page = await queryPage(db, { ...query, limit: MAX_PAGE_SIZE, nextToken });
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

/** One bounded Scan page of a small table (the catalogue): `scope` names the list its tokens are valid for. */
export interface ScanQuery {
  readonly table: string;
  readonly scope: string;
  /** The table's key attributes: all a LastEvaluatedKey holds. */
  readonly keyAttributes: readonly string[];
  readonly limit?: number | null;
  readonly nextToken?: string | null;
}

/**
 * One page of a table in DynamoDB's order (by hash, not by key value): a Scan with `Limit`, so a page reads at
 * most `limit` items whatever the table's size. The token is the same as `queryPage`'s, scoped to `scope`.
 */
export async function scanPage(db: DynamoDBDocumentClient, query: ScanQuery): Promise<Page> {
  const start = query.nextToken ? decodeToken(query.nextToken, query.scope, query.keyAttributes) : undefined;
  const page = await db.send(
    new ScanCommand({
      TableName: query.table,
      Limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const last = page.LastEvaluatedKey;
  return {
    items: page.Items ?? [],
    nextToken: last ? encodeToken(query.scope, query.keyAttributes, last) : null,
  };
}

/**
 * A page of a list already read with one bounded key read (a view item holding its entries, such as a
 * product's reviews), in `keyOf` order: the token says after which entry the next page starts, in `scope`.
 */
export function listPage<T>(
  entries: readonly T[],
  options: {
    readonly scope: string;
    readonly keyOf: (entry: T) => string;
    readonly limit?: number | null;
    readonly nextToken?: string | null;
  },
): Page<T> {
  const { scope, keyOf } = options;
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  const after = options.nextToken ? decodeToken(options.nextToken, scope, ['after']).after : undefined;
  const sorted = [...entries].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const rest = after === undefined ? sorted : sorted.filter((entry) => compare(keyOf(entry), after) > 0);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextToken:
      rest.length > limit && last !== undefined
        ? encodeToken(scope, ['after'], { after: keyOf(last) })
        : null,
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function encodeToken(scope: string, keyAttributes: readonly string[], key: Record<string, unknown>): string {
  const k = Object.fromEntries(keyAttributes.map((a) => [a, String(key[a])]));
  return Buffer.from(JSON.stringify({ v: 1, p: scope, k }), 'utf8').toString('base64url');
}

/** The key a token holds, when it was issued for `scope` and holds exactly `keyAttributes`; else ValidationError. */
function decodeToken(token: string, scope: string, keyAttributes: readonly string[]): Record<string, string> {
  const refuse = () =>
    new ValidationError('nextToken is not a token this query gave', { field: 'nextToken' });
  let decoded: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw refuse();
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const parsed = tokenSchema.safeParse(decoded);
  if (!parsed.success) throw refuse();
  const { p, k } = parsed.data;
  const keys = Object.keys(k).sort();
  const expected = [...keyAttributes].sort();
  const sameKeys = keys.length === expected.length && keys.every((name, i) => name === expected[i]);
  if (p !== scope || !sameKeys) throw refuse();
  return k;
}
