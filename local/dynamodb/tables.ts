/**
 * Creates the templates' tables in DynamoDB Local, as CloudFormation would: keys, indexes, streams (DynamoDB
 * Local needs `StreamEnabled`, which CloudFormation's `StreamSpecification` lacks) and TTL. With `--persist`
 * a table that already exists is kept as it is.
 */
import type { CloudModel, LocalResource } from '../assembly/model.js';
import type { LocalLogger } from '../core/log.js';
import { fromLocalArn } from './proxy.js';

export interface CreatedTable {
  readonly name: string;
  readonly resource: LocalResource;
  readonly streamArn?: string;
  readonly created: boolean;
}

type Call = (operation: string, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function dynamoDbCaller(endpoint: string, authorization: string): Call {
  return async (operation, body) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        authorization,
      },
      body: JSON.stringify(body),
    });
    const result = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      const type = String(result.__type ?? 'Error')
        .split('#')
        .pop();
      throw Object.assign(
        new Error(`${operation}: ${type}: ${String(result.message ?? result.Message ?? '')}`),
        {
          awsCode: type,
        },
      );
    }
    return result;
  };
}

export async function createTables(model: CloudModel, call: Call, log: LocalLogger): Promise<CreatedTable[]> {
  const tables = [
    ...model.resources('AWS::DynamoDB::Table'),
    ...model.resources('AWS::DynamoDB::GlobalTable'),
  ];
  return Promise.all(tables.map((resource) => createTable(model, resource, call, log)));
}

async function createTable(
  model: CloudModel,
  resource: LocalResource,
  call: Call,
  log: LocalLogger,
): Promise<CreatedTable> {
  const props = model.properties(resource);
  const name = model.identity(resource).name;
  const request = createTableRequest(name, props);
  let created = true;
  let description: Record<string, unknown>;
  try {
    description = (await call('CreateTable', request)).TableDescription as Record<string, unknown>;
  } catch (error) {
    if ((error as { awsCode?: string }).awsCode !== 'ResourceInUseException') throw error;
    created = false;
    description = (await call('DescribeTable', { TableName: name })).Table as Record<string, unknown>;
  }
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (created && ttl?.AttributeName && ttl.Enabled !== false) {
    await call('UpdateTimeToLive', {
      TableName: name,
      TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
    });
  }
  const localStreamArn = description.LatestStreamArn;
  const streamArn =
    typeof localStreamArn === 'string' ? fromLocalArn(localStreamArn, model.region) : undefined;
  if (streamArn) model.setAttribute(resource, 'StreamArn', streamArn);
  if (!created) log.info(`  table ${name} kept from the persisted data`);
  return { name, resource, created, ...(streamArn ? { streamArn } : {}) };
}

/** CloudFormation's table properties → DynamoDB's CreateTable (for `Table` and `GlobalTable` alike). */
export function createTableRequest(name: string, props: Record<string, unknown>): Record<string, unknown> {
  const onDemand = props.BillingMode === 'PAY_PER_REQUEST';
  const throughput = (given: unknown) => (onDemand ? {} : { ProvisionedThroughput: provisioned(given) });
  const index = (raw: Record<string, unknown>) => ({
    IndexName: raw.IndexName,
    KeySchema: raw.KeySchema,
    Projection: raw.Projection ?? { ProjectionType: 'ALL' },
  });
  const gsis = (props.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined)?.map((raw) => ({
    ...index(raw),
    ...throughput(raw.ProvisionedThroughput ?? props.ProvisionedThroughput),
  }));
  const lsis = (props.LocalSecondaryIndexes as Record<string, unknown>[] | undefined)?.map(index);
  const stream = props.StreamSpecification as { StreamViewType?: string } | undefined;
  return {
    TableName: name,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ...throughput(props.ProvisionedThroughput),
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
    ...(stream?.StreamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } }
      : {}),
  };
}

function provisioned(given: unknown): { ReadCapacityUnits: number; WriteCapacityUnits: number } {
  const raw = (given ?? {}) as { ReadCapacityUnits?: unknown; WriteCapacityUnits?: unknown };
  return {
    ReadCapacityUnits: Number(raw.ReadCapacityUnits ?? 5),
    WriteCapacityUnits: Number(raw.WriteCapacityUnits ?? 5),
  };
}
