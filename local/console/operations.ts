/**
 * The console's operations panels, read through the AWS APIs the endpoint serves (the same calls a tool
 * would make against AWS): CloudWatch alarms and metrics, DynamoDB tables and items (paged), the circuit
 * breakers' state table, and FIS templates and experiments — FIS may not be served (then the panel says so).
 * Game-day reports are files a run wrote.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { FisClient, ListExperimentsCommand, ListExperimentTemplatesCommand } from '@aws-sdk/client-fis';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CloudModel } from '../assembly/model.js';

export class ConsoleInputError extends Error {
  override readonly name = 'ConsoleInputError';
  constructor(
    readonly code: 'BAD_PAGE_TOKEN' | 'BAD_NAME' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

export interface Clients {
  readonly cloudWatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
  readonly fis: FisClient;
  destroy(): void;
}

/** SDK clients on the local endpoint, as the account's root (the console is the account owner's tool). */
export function clientsFor(endpoint: string, region: string): Clients {
  const config = {
    endpoint,
    region,
    credentials: { accessKeyId: 'console', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
  const clients = {
    cloudWatch: new CloudWatchClient(config),
    dynamodb: new DynamoDBClient(config),
    fis: new FisClient(config),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

export async function alarms(clients: Clients) {
  const all = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudWatch.send(new DescribeAlarmsCommand({ MaxRecords: 100, NextToken }));
    all.push(...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? []));
    NextToken = page.NextToken;
  } while (NextToken && all.length < 2_000);
  return all
    .map((alarm) => ({
      name: alarm.AlarmName ?? '',
      state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
      reason: alarm.StateReason ?? '',
      updatedAt: alarm.StateUpdatedTimestamp?.toISOString(),
    }))
    .sort((a, b) => rank(a.state) - rank(b.state) || a.name.localeCompare(b.name));
}

const rank = (state: string) => (state === 'ALARM' ? 0 : state === 'INSUFFICIENT_DATA' ? 2 : 1);

/** Every metric with its sum over the last `minutes` (one GetMetricData call per 500 metrics). */
export async function metrics(clients: Clients, minutes = 15) {
  const listed = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudWatch.send(new ListMetricsCommand({ NextToken }));
    listed.push(...(page.Metrics ?? []));
    NextToken = page.NextToken;
  } while (NextToken && listed.length < 2_000);
  const end = new Date();
  const start = new Date(end.getTime() - minutes * 60_000);
  const sums = new Map<string, number>();
  for (let i = 0; i < listed.length; i += 500) {
    const chunk = listed.slice(i, i + 500);
    const { MetricDataResults = [] } = await clients.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: chunk.map((metric, j) => ({
          Id: `m${i + j}`,
          MetricStat: { Metric: metric, Period: minutes * 60, Stat: 'Sum' },
          ReturnData: true,
        })),
      }),
    );
    for (const result of MetricDataResults)
      sums.set(
        result.Id ?? '',
        (result.Values ?? []).reduce((a, b) => a + b, 0),
      );
  }
  return listed
    .map((metric, i) => ({
      namespace: metric.Namespace ?? '',
      name: metric.MetricName ?? '',
      dimensions: (metric.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(', '),
      sum: sums.get(`m${i}`) ?? 0,
    }))
    .sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) ||
        a.name.localeCompare(b.name) ||
        a.dimensions.localeCompare(b.dimensions),
    );
}

export async function tables(clients: Clients): Promise<string[]> {
  const names: string[] = [];
  let ExclusiveStartTableName: string | undefined;
  do {
    const page = await clients.dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName }));
    names.push(...(page.TableNames ?? []));
    ExclusiveStartTableName = page.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
  return names;
}

/** One page of a table's items, plain JSON; `next` is the opaque token of the next page. */
export async function items(clients: Clients, table: string, next?: string, limit = 25) {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) throw new ConsoleInputError('BAD_NAME', 'not a table name');
  let ExclusiveStartKey: Record<string, never> | undefined;
  if (next) {
    try {
      ExclusiveStartKey = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
    } catch {
      throw new ConsoleInputError('BAD_PAGE_TOKEN', 'the page token is not one the console gave');
    }
  }
  const page = await clients.dynamodb.send(
    new ScanCommand({ TableName: table, Limit: limit, ExclusiveStartKey }),
  );
  return {
    items: (page.Items ?? []).map((item) => unmarshall(item)),
    ...(page.LastEvaluatedKey
      ? { next: Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') }
      : {}),
  };
}

/**
 * The table named by the environment variable `variable` of the template's functions (the one a construct
 * sets when it grants the table): the console finds the circuit breakers' state as the functions do.
 */
export function tableNamedBy(model: CloudModel, variable: string): string | undefined {
  for (const fn of model.resources('AWS::Lambda::Function')) {
    try {
      const environment = model.properties(fn).Environment as
        | { Variables?: Record<string, unknown> }
        | undefined;
      const value = environment?.Variables?.[variable];
      if (typeof value === 'string') return value;
    } catch {
      // a function whose properties do not resolve locally names nothing
    }
  }
  return undefined;
}

export async function circuitBreakers(clients: Clients, model: CloudModel, variable: string | undefined) {
  const table = variable ? tableNamedBy(model, variable) : undefined;
  if (!table) return { table: null, items: [] };
  const found = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await clients.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    found.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey && found.length < 500);
  return { table, items: found };
}

export async function experiments(clients: Clients) {
  try {
    const [templates, runs] = await Promise.all([
      clients.fis.send(new ListExperimentTemplatesCommand({})),
      clients.fis.send(new ListExperimentsCommand({})),
    ]);
    return {
      available: true,
      templates: (templates.experimentTemplates ?? []).map((t) => ({
        id: t.id,
        description: t.description,
        tags: t.tags ?? {},
      })),
      experiments: (runs.experiments ?? []).map((e) => ({
        id: e.id,
        templateId: e.experimentTemplateId,
        status: e.state?.status,
        reason: e.state?.reason,
        createdAt: e.creationTime?.toISOString(),
        tags: e.tags ?? {},
      })),
    };
  } catch (error) {
    return {
      available: false,
      reason: `no FIS on this endpoint (${(error as Error).name}: ${(error as Error).message})`,
    };
  }
}

const REPORT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,200}\.(?:md|json)$/;

export function reports(dir: string) {
  try {
    return readdirSync(dir)
      .filter((name) => REPORT.test(name))
      .map((name) => ({ name, modifiedAt: statSync(path.join(dir, name)).mtime.toISOString() }))
      .sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
  } catch {
    return [];
  }
}

export function report(dir: string, name: string): string {
  if (!REPORT.test(name)) throw new ConsoleInputError('BAD_NAME', 'not a report name');
  try {
    return readFileSync(path.join(dir, name), 'utf8').slice(0, 500_000);
  } catch {
    throw new ConsoleInputError('NOT_FOUND', `no report ${name}`);
  }
}
