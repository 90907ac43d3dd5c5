import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { KernelConfigurationError } from '../errors.js';
import { documentClient } from '../store/dynamodb.js';

/** Read-model access for resolvers: queries read views, never event stores. */
let client: DynamoDBDocumentClient | undefined;
export function readClient(capture: <C>(c: C) => C = (c) => c): DynamoDBDocumentClient {
  client ??= documentClient(capture(new DynamoDBClient({})));
  return client;
}

export function tableFromEnv(variable: string): string {
  const name = process.env[variable];
  if (!name) throw new KernelConfigurationError(`${variable} is not set: grant the read model`);
  return name;
}

export async function getView(
  db: DynamoDBDocumentClient,
  table: string,
  key: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: key }));
  return Item;
}

/** Every item of a small view (the catalogue), optionally those whose attributes equal `where`; pages followed. */
export async function scanView(
  db: DynamoDBDocumentClient,
  table: string,
  where: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const keys = Object.keys(where);
  const filter = keys.length
    ? {
        FilterExpression: keys.map((_, i) => `#f${i} = :f${i}`).join(' AND '),
        ExpressionAttributeNames: Object.fromEntries(keys.map((k, i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(keys.map((k, i) => [`:f${i}`, where[k]])),
      }
    : {};
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ...filter }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function queryIndex(
  db: DynamoDBDocumentClient,
  table: string,
  index: string,
  attribute: string,
  value: string,
  limit = 100,
): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: table,
      IndexName: index,
      KeyConditionExpression: '#k = :v',
      ExpressionAttributeNames: { '#k': attribute },
      ExpressionAttributeValues: { ':v': value },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items;
}
