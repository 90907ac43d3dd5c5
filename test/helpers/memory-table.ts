import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/**
 * One table (partition key `id`) in memory behind a mocked document client, for the analytics projector's
 * unit tests: exactly the conditions the projectors write with (`attribute_not_exists(...)`, `#r = :r` on
 * `_rev`, `updatedAt < :t`), TransactWriteItems all or nothing, ADD on numbers. Each call yields once before
 * it answers, so two invocations at once interleave and really clash. DynamoDB Local covers the rest (the
 * int test).
 */
type Item = Record<string, unknown>;
type Condition = {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

function holds(item: Item | undefined, c: Condition): boolean {
  const expression = c.ConditionExpression;
  if (!expression) return true;
  if (expression.startsWith('attribute_not_exists(updatedAt)')) {
    return (
      item?.updatedAt === undefined || String(item.updatedAt) < String(c.ExpressionAttributeValues?.[':t'])
    );
  }
  if (expression.startsWith('attribute_not_exists')) return item === undefined;
  if (expression === '#r = :r') {
    return (
      item !== undefined && item[c.ExpressionAttributeNames!['#r']!] === c.ExpressionAttributeValues![':r']
    );
  }
  throw new Error(`memory table: no support for the condition ${expression}`);
}

const failed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

export function memoryTable(ddb: AwsClientStub<DynamoDBDocumentClient>) {
  const items = new Map<string, Item>();
  const calls = { transactions: 0, clashes: 0 };
  const get = (id: unknown) => {
    const item = items.get(String(id));
    return item ? structuredClone(item) : undefined;
  };
  ddb.on(GetCommand).callsFake(async (input: { Key: { id: string } }) => {
    await tick();
    return { Item: get(input.Key.id) };
  });
  ddb.on(BatchGetCommand).callsFake(async (input: { RequestItems: Record<string, { Keys: Item[] }> }) => {
    await tick();
    const Responses = Object.fromEntries(
      Object.entries(input.RequestItems).map(([table, { Keys }]) => [
        table,
        Keys.map((k) => get(k.id)).filter((i) => i !== undefined),
      ]),
    );
    return { Responses, UnprocessedKeys: {} };
  });
  ddb.on(PutCommand).callsFake(async (input: { Item: Item } & Condition) => {
    await tick();
    if (!holds(items.get(String(input.Item.id)), input)) {
      calls.clashes += 1;
      throw failed();
    }
    items.set(String(input.Item.id), structuredClone(input.Item));
    return {};
  });
  ddb.on(UpdateCommand).callsFake(async (input: { Key: { id: string } } & Condition) => {
    await tick();
    const current = items.get(input.Key.id);
    if (!holds(current, input)) throw failed();
    items.set(input.Key.id, {
      ...current,
      id: input.Key.id,
      updatedAt: input.ExpressionAttributeValues![':t'],
    });
    return {};
  });
  ddb.on(TransactWriteCommand).callsFake(async (input: { TransactItems: Record<string, Item>[] }) => {
    await tick();
    calls.transactions += 1;
    const reasons = input.TransactItems.map((op) => {
      const [kind, body] = Object.entries(op)[0]! as [string, Item & Condition];
      const id = String(((body.Item ?? body.Key) as Item).id);
      return { Code: kind === 'Update' || holds(items.get(id), body) ? 'None' : 'ConditionalCheckFailed' };
    });
    if (reasons.some((r) => r.Code !== 'None')) {
      calls.clashes += 1;
      throw Object.assign(new Error('Transaction cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: reasons,
      });
    }
    for (const op of input.TransactItems) {
      if (op.Put) {
        const item = op.Put.Item as Item;
        items.set(String(item.id), structuredClone(item));
      }
      if (op.Update) {
        const { Key, ExpressionAttributeNames, ExpressionAttributeValues } = op.Update as Item & Condition;
        const id = String((Key as Item).id);
        const next: Item = { ...items.get(id), id };
        for (const [alias, name] of Object.entries(ExpressionAttributeNames!)) {
          next[name] =
            ((next[name] as number | undefined) ?? 0) +
            (ExpressionAttributeValues![`:${alias.slice(1)}`] as number);
        }
        items.set(id, next);
      }
    }
    return {};
  });
  ddb
    .on(BatchWriteCommand)
    .callsFake(async (input: { RequestItems: Record<string, { PutRequest?: { Item: Item } }[]> }) => {
      for (const request of Object.values(input.RequestItems).flat()) {
        if (request.PutRequest)
          items.set(String(request.PutRequest.Item.id), structuredClone(request.PutRequest.Item));
      }
      return {};
    });
  return { items, calls };
}
