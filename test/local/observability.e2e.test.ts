/**
 * Observability on the local cloud, read through the AWS CLI as an operator would: one order that fails
 * payment as an outage (`tok_error`) is compensated by the saga, and then
 * - `cloudwatch get-metric-data` has the saga's SagaCompensated metric, which the saga's event builder printed
 *   as an EMF line;
 * - `logs filter-log-events` finds the order's lines by its correlation id in several services' log groups;
 * - `logs start-query` with the saved query definitions (the order's story, compensations) returns rows;
 * - `xray get-trace-summaries` finds the order's traces by their correlationId annotation, and
 *   `xray batch-get-traces` returns their segments;
 * - GraphQL `platformMetrics` (API key) counts that one saga, compensated.
 */
import { existsSync } from 'node:fs';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeExecutionCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { OrderResult } from '../../functions/orders/handlers/commands.js';
import { AWS_CLI, awsCli } from '../helpers/aws-cli.js';
import { type Clients, clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let sfn: SFNClient;
let logsClient: CloudWatchLogsClient;
let startedAt: number;
let orderId: string;
let correlationId: string;
/** The saga execution's status and output, once it ended. */
let sagaOutput: string;

const aws = <T>(...args: string[]) => awsCli<T>(app.url, args);

interface FilteredEvents {
  readonly events: { logStreamName: string; message: string }[];
}

const logGroupOf = (service: string, id: string) =>
  app.plugins.logs.functionLogGroups.get(physicalName(app, service, `${id}/Function`))!;

beforeAll(async () => {
  // The saga's retry waits at 1/100: the outage's backoff takes milliseconds.
  app = await startLocalApp({ timeScale: 0.01 });
  clients = clientsFor(app);
  const sdk = {
    endpoint: app.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  sfn = new SFNClient(sdk);
  logsClient = new CloudWatchLogsClient(sdk);
  const priceList = physicalName(app, 'Orders', 'PriceList');
  for (const { sku } of seedCatalogue)
    await eventually(
      async () =>
        (await clients.doc.send(new GetCommand({ TableName: priceList, Key: { sku }, ConsistentRead: true })))
          .Item,
      60_000,
    );

  startedAt = Date.now();
  const customerId = 'cust-observability';
  const placed = await invoke(app, clients.lambda, 'Orders', 'Commands', {
    command: {
      type: 'PlaceOrder',
      data: {
        customerId,
        items: [{ sku: seedCatalogue[0]!.sku, quantity: 1 }],
        shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        paymentToken: 'tok_error',
        idempotencyKey: 'observability-e2e-1',
      },
    },
    actor: { type: 'user', id: customerId },
  });
  orderId = succeeded<OrderResult>(placed).result.orderId;

  const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
  const machine = stateMachines?.find((m) => m.name?.includes('OrderFulfillment'));
  if (!machine?.stateMachineArn) throw new Error('no OrderFulfillment state machine');
  const executionArn = `${machine.stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  sagaOutput = await eventually(async () => {
    try {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return out.status === 'RUNNING' ? undefined : `${out.status} ${out.output ?? out.error ?? ''}`;
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  }, 120_000);
}, 300_000);

afterAll(async () => {
  sfn?.destroy();
  logsClient?.destroy();
  await app?.stop();
});

describe.skipIf(!existsSync(AWS_CLI))('observability on the local cloud, through the AWS CLI', () => {
  it('compensates the tok_error order (the saga gives up on the outage)', () => {
    expect(sagaOutput).toMatch(/^SUCCEEDED .*"status":"Compensated"/);
  });

  it("finds the order's correlation id in the orders service's log group by its order id", async () => {
    const group = logGroupOf('Orders', 'Commands');
    const { events } = await aws<FilteredEvents>(
      'logs',
      'filter-log-events',
      '--log-group-name',
      group,
      '--filter-pattern',
      `"${orderId}"`,
    );
    const line = events
      .map((e) => JSON.parse(e.message) as Record<string, unknown>)
      .find((l) => l.correlation_id);
    expect(line).toBeDefined();
    correlationId = String(line!.correlation_id);
    expect(correlationId).not.toBe('');
  });

  it("filter-log-events finds the order's lines by correlation id in several services' log groups", async () => {
    const pattern = `{ $.correlation_id = "${correlationId}" }`;
    // Which groups have the order's lines: asked of every group through the SDK (quick), then shown by the CLI.
    const withLines: string[] = [];
    const logGroups = [];
    for await (const page of paginateDescribeLogGroups({ client: logsClient }, {}))
      logGroups.push(...(page.logGroups ?? []));
    for (const { logGroupName } of logGroups) {
      const { events = [] } = await logsClient.send(
        new FilterLogEventsCommand({ logGroupName, filterPattern: pattern, limit: 1 }),
      );
      if (events.length > 0) withLines.push(logGroupName!);
    }
    expect(withLines.length).toBeGreaterThanOrEqual(3);
    const services = new Set<string>();
    for (const group of withLines) {
      const { events } = await aws<FilteredEvents>(
        'logs',
        'filter-log-events',
        '--log-group-name',
        group,
        '--filter-pattern',
        pattern,
      );
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        const line = JSON.parse(event.message) as { correlation_id: string; service: string };
        expect(line.correlation_id).toBe(correlationId);
        services.add(line.service);
      }
    }
    expect([...services]).toEqual(expect.arrayContaining(['orders', 'payments', 'inventory']));
    // A pattern no line matches finds nothing.
    const none = await aws<FilteredEvents>(
      'logs',
      'filter-log-events',
      '--log-group-name',
      logGroupOf('Orders', 'Commands'),
      '--filter-pattern',
      '{ $.correlation_id = "no-such-correlation" }',
    );
    expect(none.events).toEqual([]);
  });

  it('start-query runs the saved order-story and compensations queries, and get-query-results returns rows', async () => {
    const { queryDefinitions } = await aws<{
      queryDefinitions: { name: string; queryString: string; logGroupNames: string[] }[];
    }>('logs', 'describe-query-definitions', '--query-definition-name-prefix', 'commerceforge-dev/');
    const saved = (name: string) => {
      const definition = queryDefinitions.find((d) => d.name === `commerceforge-dev/${name}`);
      if (!definition)
        throw new Error(`no saved query ${name}: ${queryDefinitions.map((d) => d.name).join(', ')}`);
      return definition;
    };
    const query = async (
      definition: { queryString: string; logGroupNames: string[] },
      queryString: string,
    ) => {
      const { queryId } = await aws<{ queryId: string }>(
        'logs',
        'start-query',
        '--log-group-names',
        ...definition.logGroupNames,
        '--start-time',
        String(Math.floor(startedAt / 1000) - 5),
        '--end-time',
        String(Math.ceil(Date.now() / 1000) + 5),
        '--query-string',
        queryString,
      );
      const result = await aws<{ status: string; results: { field: string; value: string }[][] }>(
        'logs',
        'get-query-results',
        '--query-id',
        queryId,
      );
      expect(result.status).toBe('Complete');
      return result.results.map((row) => Object.fromEntries(row.map((c) => [c.field, c.value])));
    };

    const story = saved('order-story');
    expect(story.logGroupNames.length).toBeGreaterThan(10);
    const lines = await query(
      story,
      story.queryString.replaceAll('REPLACE-WITH-CORRELATION-ID', correlationId),
    );
    expect([...new Set(lines.map((l) => l.service))]).toEqual(
      expect.arrayContaining(['orders', 'payments', 'saga']),
    );
    const times = lines.map((l) => l['@timestamp']!);
    expect(times).toEqual([...times].sort()); // sort @timestamp asc

    const compensations = saved('compensations');
    const rows = await query(compensations, compensations.queryString);
    expect(rows.filter((r) => r.correlation_id === correlationId).length).toBeGreaterThan(0);
  });

  it("get-metric-data has the saga's compensation, printed as EMF by the saga's event builder", async () => {
    const { Metrics } = await aws<{ Metrics: { Dimensions: { Name: string; Value: string }[] }[] }>(
      'cloudwatch',
      'list-metrics',
      '--namespace',
      'CommerceForge',
      '--metric-name',
      'SagaCompensated',
    );
    const metric = Metrics.find((m) => m.Dimensions.some((d) => d.Name === 'SagaName'));
    const all = await aws<{ Metrics: { MetricName: string }[] }>(
      'cloudwatch',
      'list-metrics',
      '--namespace',
      'CommerceForge',
    );
    expect(
      metric,
      `CommerceForge metrics: ${[...new Set(all.Metrics.map((m) => m.MetricName))].join(', ')}`,
    ).toBeDefined();
    const queries = [
      {
        Id: 'compensated',
        MetricStat: {
          Metric: {
            Namespace: 'CommerceForge',
            MetricName: 'SagaCompensated',
            Dimensions: metric!.Dimensions,
          },
          Period: 60,
          Stat: 'Sum',
        },
      },
    ];
    const { MetricDataResults } = await aws<{ MetricDataResults: { Id: string; Values: number[] }[] }>(
      'cloudwatch',
      'get-metric-data',
      '--metric-data-queries',
      JSON.stringify(queries),
      '--start-time',
      new Date(startedAt - 120_000).toISOString(),
      '--end-time',
      new Date(Date.now() + 60_000).toISOString(),
    );
    const values = MetricDataResults.find((r) => r.Id === 'compensated')?.Values ?? [];
    expect(values.reduce((n, v) => n + v, 0)).toBe(1);
  });

  it("get-trace-summaries finds the order's traces by correlation id; batch-get-traces returns them", async () => {
    const summaries = await eventually(async () => {
      const out = await aws<{ TraceSummaries: { Id: string; Annotations: Record<string, unknown[]> }[] }>(
        'xray',
        'get-trace-summaries',
        '--start-time',
        String(Math.floor(startedAt / 1000) - 5),
        '--end-time',
        String(Math.ceil(Date.now() / 1000) + 5),
        '--filter-expression',
        `annotation.correlationId = "${correlationId}"`,
      );
      return out.TraceSummaries.length > 0 ? out.TraceSummaries : undefined;
    }, 30_000);
    for (const summary of summaries)
      expect(summary.Annotations.correlationId).toContainEqual({
        AnnotationValue: { StringValue: correlationId },
      });
    const { Traces } = await aws<{ Traces: { Id: string; Segments: { Document: string }[] }[] }>(
      'xray',
      'batch-get-traces',
      '--trace-ids',
      summaries[0]!.Id,
    );
    expect(Traces[0]?.Id).toBe(summaries[0]!.Id);
    expect(Traces[0]!.Segments.length).toBeGreaterThan(0);
    expect(JSON.parse(Traces[0]!.Segments[0]!.Document)).toMatchObject({ trace_id: summaries[0]!.Id });
  });

  it('platformMetrics agrees with the one order placed: one saga ended, compensated', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'local-dev-key' },
      body: JSON.stringify({
        query: `{ platformMetrics(minutes: 30) { minutes sagasEnded sagaSuccessRate sagaCompensationRate
          openCircuitBreakers avgTraceDurationMs p99TraceDurationMs eventsPublished eventsDelivered
          deadLetterDepth chaosValidationRate } }`,
      }),
    });
    const body = (await response.json()) as {
      data?: { platformMetrics: Record<string, number> };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    const metrics = body.data!.platformMetrics;
    expect(metrics).toMatchObject({
      minutes: 30,
      sagasEnded: 1,
      sagaSuccessRate: 0,
      sagaCompensationRate: 1,
      openCircuitBreakers: 0,
      deadLetterDepth: 0,
      chaosValidationRate: 0,
    });
    expect(metrics.avgTraceDurationMs).toBeGreaterThan(0);
    expect(metrics.p99TraceDurationMs).toBeGreaterThanOrEqual(metrics.avgTraceDurationMs!);
    // The seed's and the order's events went on the bus and reached their rules.
    expect(metrics.eventsPublished).toBeGreaterThan(0);
    expect(metrics.eventsDelivered).toBeGreaterThan(0);
  });
});
