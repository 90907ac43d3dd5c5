/**
 * Invoking a service's functions on the local cloud through the real Lambda client (the `live` alias, as the
 * saga and the resolvers will), and reading its tables with the real DynamoDB client. Shared by the
 * payments, shipping and analytics e2e tests.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/kernel/store/dynamodb.js';
import { type LocalApp, physicalName } from './local-app.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface Clients {
  readonly lambda: LambdaClient;
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
}

export function clientsFor(app: LocalApp): Clients {
  const config = { endpoint: app.url, region: 'us-east-1', credentials };
  const dynamodb = new DynamoDBClient(config);
  return { lambda: new LambdaClient(config), dynamodb, doc: documentClient(dynamodb) };
}

export type Invocation =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

/** Invokes `<Service>/<id>/Function` through its live alias; a function error comes back as data. */
export async function invoke(
  app: LocalApp,
  lambda: LambdaClient,
  service: string,
  id: string,
  payload: unknown,
): Promise<Invocation> {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: physicalName(app, service, `${id}/Function`),
      Qualifier: 'live',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  const body = out.Payload ? JSON.parse(new TextDecoder().decode(out.Payload)) : undefined;
  if (out.FunctionError) {
    const { errorType, errorMessage } = body as { errorType: string; errorMessage: string };
    return { ok: false, errorType, errorMessage };
  }
  return { ok: true, payload: body };
}

/** The command's answer, or a test failure naming the error. */
export function succeeded<R>(invocation: Invocation): {
  events: { type: string; eventId: string; streamId: string; streamVersion: number }[];
  result: R;
} {
  if (!invocation.ok) throw new Error(`${invocation.errorType}: ${invocation.errorMessage}`);
  return invocation.payload as never;
}

/** A fresh table shaped like a read model (partition key only), to rebuild into and compare. */
export async function createViewTable(
  dynamodb: DynamoDBClient,
  tableName: string,
  keyAttribute: string,
): Promise<string> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: keyAttribute, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return tableName;
}
