import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/kernel/store/dynamodb.js';
import { KEY } from '../../functions/kernel/store/index.js';
import { quietLogger } from '../../local/core/log.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local.js';

/** DynamoDB Local for one test file: the real emulator, tables created here with the SDK. */
export interface LocalTables {
  readonly local: DynamoDbLocal;
  readonly raw: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** An event store table (streamId/version), with a NEW_IMAGE stream as the construct makes it. */
  eventStoreTable(name?: string): Promise<string>;
  /** A table keyed by one string attribute (read models: `id`; Powertools idempotency: `id`). */
  keyedTable(name?: string, key?: string): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export async function startLocalTables(): Promise<LocalTables> {
  const local = await startDynamoDbLocal({ log: quietLogger });
  const raw = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = documentClient(raw);
  return {
    local,
    raw,
    doc,
    async eventStoreTable(name = unique('events')) {
      await raw.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: KEY.partition, AttributeType: 'S' },
            { AttributeName: KEY.sort, AttributeType: 'N' },
          ],
          KeySchema: [
            { AttributeName: KEY.partition, KeyType: 'HASH' },
            { AttributeName: KEY.sort, KeyType: 'RANGE' },
          ],
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        }),
      );
      return name;
    },
    async keyedTable(name = unique('table'), key = 'id') {
      await raw.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        }),
      );
      return name;
    },
    async stop() {
      raw.destroy();
      await local.stop();
    },
  };
}
