/**
 * `npm run bench [-- --orders 600 --concurrency 16]`: on a fresh local cloud (started here, as `npm start`
 * would), measures in one run and writes bench/results/latest.json and latest.md:
 * - DynamoDB Local's ceiling: conditional PutItem/s at the bench's concurrency, through the endpoint;
 * - the load run (bench/load.ts): orders/s end to end, placeOrder ack and saga p50/p99, invariants;
 * - usage per order, counted by the cloud's meters (GET /_local/usage) — what `npm run cost` prices;
 * - orders/s against its bound: ceiling ÷ DynamoDB writes per order;
 * - the cold start of a service function against a hello-world handler with one SDK client (a ratio);
 * - bundle sizes, cold starts in the run, the cloud's RSS and idle CPU.
 * Figures that depend on the machine are reported as ratios next to a baseline measured in the same run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { breakdownBetween, type UsageBreakdown } from '../local/core/usage.js';
import { coldStartRatio } from './cold-start.js';
import { type LoadReport, percentiles, runLoad, sfn } from './load.js';
import { cpuTicks, processTree, rssBytes, threadCpuTicks } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = path.join(ROOT, 'bench', 'results');

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '16' },
    port: { type: 'string', default: '4599' },
    app: { type: 'string' },
  },
});
const orders = Number(values.orders);
const concurrency = Number(values.concurrency);
const port = Number(values.port);
const endpoint = `http://127.0.0.1:${port}`;
const aws = { awsEndpoint: endpoint };
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const log = (line: string) => console.error(line);

async function startCloud(): Promise<ChildProcess> {
  const args = [
    '--import',
    'tsx',
    path.join(ROOT, 'local', 'main.ts'),
    ...(values.app ? ['--app', values.app] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/seed: \d+ products/.test(output) || /seed: failed/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) =>
      reject(new Error(`the local cloud exited (${code}):\n${output.slice(-2000)}`)),
    );
  });
  if (/seed: failed/.test(output)) throw new Error(`the seed failed:\n${output.slice(-2000)}`);
  // Keep draining its output (function logs) so the pipe never blocks it.
  child.stdout?.resume();
  return child;
}

/** Conditional PutItem/s at the given concurrency, on a table of its own. */
async function dynamoCeiling(writes: number): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  const TableName = `bench-ceiling-${Date.now()}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  let next = 0;
  const put = async () => {
    while (next < writes) {
      const i = next++;
      try {
        await client.send(
          new PutItemCommand({
            TableName,
            Item: { pk: { S: `item-${i}` }, version: { N: '1' }, data: { S: 'x'.repeat(200) } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  };
  // Warm the path first, then measure.
  next = writes - 100;
  await Promise.all(Array.from({ length: concurrency }, put));
  next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, put));
  return (writes - 0) / ((performance.now() - started) / 1000);
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

function bundleSizes(assemblyDir: string): Array<{ function: string; bytes: number }> {
  const sizes: Array<{ function: string; bytes: number }> = [];
  for (const file of readdirSync(assemblyDir).filter((name) => name.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(path.join(assemblyDir, file), 'utf8')) as {
      Resources?: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    for (const resource of Object.values(template.Resources ?? {})) {
      const asset = resource.Metadata?.['aws:asset:path'];
      const cdkPath = resource.Metadata?.['aws:cdk:path'] ?? '';
      if (resource.Type !== 'AWS::Lambda::Function' || !asset || cdkPath.includes('LogRetention')) continue;
      const dir = path.join(assemblyDir, asset);
      const entry = ['index.js', 'index.mjs'].map((name) => path.join(dir, name)).find((p) => exists(p));
      if (entry) sizes.push({ function: cdkPath.replace(/\/Resource$/, ''), bytes: statSync(entry).size });
    }
  }
  return sizes.sort((a, b) => a.bytes - b.bytes);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

type Usage = Record<string, number>;

async function stateTransitionsPerSaga(report: LoadReport): Promise<number> {
  const sample = report.outcomes.filter((o) => o.orderId).slice(0, 20);
  const machines = await sfn<{ stateMachines: Array<{ stateMachineArn: string }> }>(
    aws,
    'ListStateMachines',
    {},
  );
  const arn = machines.stateMachines[0]?.stateMachineArn ?? '';
  const base = arn.replace(':stateMachine:', ':execution:');
  let transitions = 0;
  for (const outcome of sample) {
    const history = await sfn<{ events: Array<{ type: string }> }>(aws, 'GetExecutionHistory', {
      executionArn: `${base}:${outcome.orderId}`,
      maxResults: 1000,
    });
    // Step Functions bills a transition per state entered, and the start.
    transitions += history.events.filter((event) => event.type.endsWith('StateEntered')).length + 1;
  }
  return sample.length ? transitions / sample.length : 0;
}

async function main(): Promise<void> {
  const started = new Date();
  log(`bench: starting a fresh local cloud on ${endpoint}`);
  const cloud = await startCloud();
  const pids = () => processTree(cloud.pid as number);
  /** The cloud's CPU (node and java) over `forMs`, after `afterMs`, in % of one core. */
  const cpuPercent = async (afterMs: number, forMs: number): Promise<number> => {
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const ticks0 = pids().map((pid) => [pid, cpuTicks(pid)] as const);
    await new Promise((resolve) => setTimeout(resolve, forMs));
    const ticks = ticks0.reduce((sum, [pid, t]) => sum + Math.max(0, cpuTicks(pid) - t), 0);
    return ticks / (forMs / 1000); // 100 ticks a second is one core
  };
  /**
   * Where the cloud's CPU goes, in ticks: its main thread (the emulator: HTTP, Step Functions, EventBridge,
   * AppSync, stream readers), the rest of its process (the functions' worker threads, the DynamoDB data-plane
   * thread), and its child processes (DynamoDB Local).
   */
  const cpuSplit = () => {
    const pid = cloud.pid as number;
    const main = threadCpuTicks(pid, pid);
    const process = cpuTicks(pid);
    const children = pids()
      .filter((child) => child !== pid)
      .reduce((sum, child) => sum + cpuTicks(child), 0);
    return { main, workers: process - main, children };
  };
  try {
    const health = await getJson<{
      lambda: { functions: string[]; environments: Record<string, { inits: number }> };
    }>(`${endpoint}/health`);
    const functionCount = health.lambda.functions.length;

    // Idle: the fresh cloud with nothing to do (its functions warmed in the background after ready).
    log('bench: idle CPU (20 s, after 30 s to settle)');
    const idleCpuPercent = await cpuPercent(30_000, 20_000);

    log('bench: DynamoDB Local ceiling');
    const ceiling = await dynamoCeiling(1500);

    log('bench: one order at a time (on the warm cloud, before the load: its latency unloaded)');
    const single = await runLoad({
      graphqlUrl: `${endpoint}/graphql`,
      awsEndpoint: endpoint,
      apiKey: process.env.LOCAL_API_KEY ?? 'local-dev-key',
      orders: 10,
      concurrency: 1,
      skus: 2,
    });

    log(`bench: ${orders} orders at ${concurrency}`);
    const { usage: before, breakdown: breakdownBefore } = await getJson<{
      usage: Usage;
      breakdown: UsageBreakdown;
    }>(`${endpoint}/_local/usage`);
    const cpuBefore = cpuSplit();
    const report = await runLoad({
      graphqlUrl: `${endpoint}/graphql`,
      awsEndpoint: endpoint,
      apiKey: process.env.LOCAL_API_KEY ?? 'local-dev-key',
      orders,
      concurrency,
      log,
    });
    const cpuAfter = cpuSplit();
    // 100 ticks are a second of one core: ticks × 10 ÷ orders is milliseconds of CPU per order.
    const cpuMsPerOrder = (part: keyof typeof cpuAfter) =>
      Math.round(((cpuAfter[part] - cpuBefore[part]) * 10) / Math.max(1, report.accepted));
    const { usage: after, breakdown: breakdownAfter } = await getJson<{
      usage: Usage;
      breakdown: UsageBreakdown;
    }>(`${endpoint}/_local/usage`);
    const afterHealth = await getJson<{ lambda: { environments: Record<string, { inits: number }> } }>(
      `${endpoint}/health`,
    );
    const rssAfterLoad = pids().reduce((sum, pid) => sum + rssBytes(pid), 0);
    const nodeRss = rssBytes(cloud.pid as number);
    const per = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) / Math.max(1, report.accepted);
    const transitions = await stateTransitionsPerSaga(report);

    // Not idle: what the asynchronous consumers (the warehouse shipping, the projectors) still do after it.
    log('bench: CPU after the run (20 s, after 15 s)');
    const afterRunCpuPercent = await cpuPercent(15_000, 20_000);

    log('bench: cold start, service function against hello world');
    const assemblyDir = values.app ? path.resolve(values.app) : path.join(ROOT, 'cdk.out');
    const cold = await coldStartRatio(endpoint, assemblyDir);

    const sizes = bundleSizes(assemblyDir);
    const writesPerOrder = per('dynamodb.writeRequestUnits');
    const bound = writesPerOrder > 0 ? ceiling / writesPerOrder : 0;
    const sagaMemoryMb = 64;
    const result: BenchResult = {
      date: started.toISOString(),
      machine: machineLine(),
      orders,
      concurrency,
      load: summary(report),
      single: { ackMs: single.ackMs, sagaMs: single.sagaMs, confirmed: single.confirmed },
      dynamoDbCeilingPutsPerSecond: round(ceiling),
      writeUnitsPerOrder: round(writesPerOrder),
      writeUnitsPerOrderByTable: perTable(
        breakdownBetween(breakdownBefore, breakdownAfter)['dynamodb.writeRequestUnits'] ?? {},
        Math.max(1, report.accepted),
      ),
      dynamoDbRequestsPerOrder: round(per('dynamodb.requests'), 1),
      dynamoDbRequestsPerOrderByCall: perTable(
        breakdownBetween(breakdownBefore, breakdownAfter)['dynamodb.requests'] ?? {},
        Math.max(1, report.accepted),
      ),
      functionsPerOrder: perFunction(
        breakdownBetween(breakdownBefore, breakdownAfter),
        Math.max(1, report.accepted),
      ),
      boundOrdersPerSecond: round(bound),
      ratioToBound: bound > 0 ? round(report.ordersPerSecond / bound, 3) : null,
      coldStarts: sumInits(afterHealth.lambda.environments),
      functions: functionCount,
      coldStart: cold,
      bundles: {
        count: sizes.length,
        p50Bytes: percentiles(sizes.map((s) => s.bytes)).p50,
        maxBytes: percentiles(sizes.map((s) => s.bytes)).max,
        sizes,
      },
      rssBytes: { cloudNode: nodeRss, withDynamoDbLocal: rssAfterLoad },
      idleCpuPercentOfCore: round(idleCpuPercent, 2),
      cpuMsPerOrder: {
        emulator: cpuMsPerOrder('main'),
        functions: cpuMsPerOrder('workers'),
        dynamoDbLocal: cpuMsPerOrder('children'),
      },
      afterRunCpuPercentOfCore: round(afterRunCpuPercent, 2),
      usagePerOrder: {
        lambdaInvocations: round(per('lambda.invocations'), 2),
        lambdaGbSeconds: round(per('lambda.gbSeconds'), 5),
        lambdaInitGbSeconds: round(per('lambda.initGbSeconds'), 5),
        stateTransitions: round(transitions, 1),
        sagaExecutions: 1,
        // Unloaded (one order at a time): under a burst on a 2-core laptop a saga waits on the machine, which
        // AWS would not make it do; Express bills the duration.
        sagaDurationMs: Math.round(single.sagaMs.p50),
        sagaMemoryMb,
        eventsPublished: round(per('events.published'), 2),
        eventsDeliveredToTargets: round(per('events.deliveredToTargets'), 2),
        dynamoWriteRequestUnits: round(writesPerOrder, 2),
        dynamoReadRequestUnits: round(per('dynamodb.readRequestUnits'), 2),
        streamReadRequests: 0,
        sqsRequests: round(per('sqs.requests'), 2),
        appsyncOperations: round(per('appsync.operations'), 2),
        appsyncRealtimeMessages: round(per('appsync.realtimeMessages'), 2),
        logBytes: Math.round(per('logs.bytes')),
        xrayTracesRecorded: round(per('xray.traces'), 2),
      },
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    const markdown = toMarkdown(result);
    writeFileSync(path.join(RESULTS, 'latest.md'), markdown);
    console.log(markdown);
  } finally {
    cloud.kill('SIGTERM');
  }
}

function sumInits(environments: Record<string, { inits: number }>): number {
  return Object.values(environments).reduce((sum, pool) => sum + (pool.inits ?? 0), 0);
}

function summary(report: LoadReport) {
  const { outcomes: _outcomes, ...rest } = report;
  return { ...rest, ordersPerSecond: round(report.ordersPerSecond, 2) };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function machineLine(): string {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0;
  const memGb = Math.round(
    Number(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s*(\d+)/)?.[1]) / 1048576,
  );
  return `${cores} cores (${cpu.trim()}), ${memGb} GiB, Node ${process.version}`;
}

interface BenchResult {
  readonly date: string;
  readonly machine: string;
  readonly orders: number;
  readonly concurrency: number;
  readonly load: ReturnType<typeof summary>;
  readonly single: { readonly ackMs: { p50: number }; readonly sagaMs: { p50: number }; confirmed: number };
  readonly dynamoDbCeilingPutsPerSecond: number;
  readonly writeUnitsPerOrder: number;
  /** The tables' shares of it, largest first (stack and CloudFormation suffixes cut off the names). */
  readonly writeUnitsPerOrderByTable: Record<string, number>;
  /** DynamoDB API calls per order (counted at the endpoint), and by `Operation Table`, most first. */
  readonly dynamoDbRequestsPerOrder: number;
  readonly dynamoDbRequestsPerOrderByCall: Record<string, number>;
  readonly boundOrdersPerSecond: number;
  readonly ratioToBound: number | null;
  readonly coldStarts: number;
  readonly functions: number;
  readonly coldStart: { ratio: number; serviceMs: number; helloMs: number; samples: number };
  readonly bundles: { count: number; p50Bytes: number; maxBytes: number; sizes: unknown[] };
  readonly rssBytes: { cloudNode: number; withDynamoDbLocal: number };
  readonly idleCpuPercentOfCore: number;
  /**
   * CPU time per accepted order over the load run (its start to every saga's end and the stock check), which
   * includes the asynchronous work done meanwhile (projectors, the warehouse): cores ÷ its sum bounds orders/s.
   */
  readonly cpuMsPerOrder: { emulator: number; functions: number; dynamoDbLocal: number };
  /** Read 15 s after the run, while the warehouse still ships what it confirmed. */
  readonly afterRunCpuPercentOfCore: number;
  readonly usagePerOrder: Record<string, number>;
  /**
   * Per function, invocations and worker CPU milliseconds per order (init, invocations and background work),
   * busiest first: where the functions' CPU goes.
   */
  readonly functionsPerOrder: Record<string, { invocations: number; cpuMs: number }>;
}

function perFunction(
  breakdown: UsageBreakdown,
  orders: number,
): Record<string, { invocations: number; cpuMs: number }> {
  const invocations = breakdown['lambda.invocations'] ?? {};
  const cpu = breakdown['lambda.cpuMs'] ?? {};
  const names = new Set([...Object.keys(invocations), ...Object.keys(cpu)]);
  return Object.fromEntries(
    [...names]
      .map((name) => ({
        name: name.replace(/^CommerceForge-[a-z0-9]+-/, ''),
        invocations: round((invocations[name] ?? 0) / orders, 2),
        cpuMs: round((cpu[name] ?? 0) / orders, 1),
      }))
      .sort((a, b) => b.cpuMs - a.cpuMs)
      .map(({ name, ...figures }) => [name, figures]),
  );
}

/**
 * Amounts per order by table (or `Operation Table`), largest first, named by the construct path
 * (`Shipping-EventStoreTable`).
 */
function perTable(units: Record<string, number>, orders: number): Record<string, number> {
  const named = new Map<string, number>();
  for (const [table, amount] of Object.entries(units)) {
    const name = table.replace(/CommerceForge-[a-z0-9]+-/, '').replace(/[0-9A-F]{8}-[A-Z0-9]+$/, '');
    named.set(name, (named.get(name) ?? 0) + amount);
  }
  return Object.fromEntries(
    [...named].sort((a, b) => b[1] - a[1]).map(([name, amount]) => [name, round(amount / orders, 2)]),
  );
}

function toMarkdown(r: BenchResult): string {
  const ms = (v: number) => `${Math.round(v)} ms`;
  const kb = (v: number) => `${Math.round(v / 1024)} KB`;
  const rows: Array<[string, string]> = [
    ['date, machine', `${r.date.slice(0, 10)}, ${r.machine}`],
    ['orders at concurrency', `${r.orders} at ${r.concurrency}`],
    [
      'accepted / confirmed / cancelled / pending',
      `${r.load.accepted} / ${r.load.confirmed} / ${r.load.cancelled} / ${r.load.pending}`,
    ],
    ['sagas succeeded (Step Functions)', String(r.load.sagasSucceeded)],
    [
      'refusals, cancellations without a business reason',
      `${r.load.refused}, ${r.load.cancellations.length}`,
    ],
    [
      'invariants (one saga per order, stock conserved)',
      `${r.load.sagaExecutions} sagas, ${r.load.duplicateSagas} twice; ${r.load.stockViolations.length} stock violations`,
    ],
    ['orders/s end to end', String(r.load.ordersPerSecond)],
    [
      'DynamoDB Local ceiling (conditional PutItem/s at the concurrency)',
      String(r.dynamoDbCeilingPutsPerSecond),
    ],
    ['DynamoDB write units per order (counted)', String(r.writeUnitsPerOrder)],
    [
      'of which, by table (the largest five)',
      Object.entries(r.writeUnitsPerOrderByTable)
        .slice(0, 5)
        .map(([table, units]) => `${table} ${units}`)
        .join(', '),
    ],
    [
      'DynamoDB calls per order (counted); the most made (the largest five)',
      `${r.dynamoDbRequestsPerOrder}; ${Object.entries(r.dynamoDbRequestsPerOrderByCall)
        .slice(0, 5)
        .map(([call, count]) => `${call} ${count}`)
        .join(', ')}`,
    ],
    [
      'bound = ceiling ÷ writes per order (orders/s); ratio reached',
      `${r.boundOrdersPerSecond}; ${r.ratioToBound}`,
    ],
    ['placeOrder ack p50 / p99 at the concurrency', `${ms(r.load.ackMs.p50)} / ${ms(r.load.ackMs.p99)}`],
    ['saga p50 / p99 at the concurrency', `${ms(r.load.sagaMs.p50)} / ${ms(r.load.sagaMs.p99)}`],
    ['read models caught up, after the last saga ended', ms(r.load.readModelLagMs)],
    [
      'placeOrder ack p50, saga p50, one at a time (warm, before the load)',
      `${ms(r.single.ackMs.p50)}, ${ms(r.single.sagaMs.p50)}`,
    ],
    ['cold starts (environments started) / functions', `${r.coldStarts} / ${r.functions}`],
    [
      'cold start: service function ÷ hello world (one SDK client)',
      `${r.coldStart.ratio} (${ms(r.coldStart.serviceMs)} ÷ ${ms(r.coldStart.helloMs)}, medians of ${r.coldStart.samples})`,
    ],
    ['bundle p50 / max (minified)', `${kb(r.bundles.p50Bytes)} / ${kb(r.bundles.maxBytes)}`],
    [
      'RSS after the run: cloud (node) / with DynamoDB Local',
      `${Math.round(r.rssBytes.cloudNode / 1048576)} MiB / ${Math.round(r.rssBytes.withDynamoDbLocal / 1048576)} MiB`,
    ],
    ['idle CPU before the run (% of one core, node + java)', String(r.idleCpuPercentOfCore)],
    [
      'CPU per order in the run: emulator thread / functions / DynamoDB Local',
      `${ms(r.cpuMsPerOrder.emulator)} / ${ms(r.cpuMsPerOrder.functions)} / ${ms(r.cpuMsPerOrder.dynamoDbLocal)}`,
    ],
    [
      'the busiest functions: worker CPU ms / invocations per order',
      Object.entries(r.functionsPerOrder)
        .slice(0, 6)
        .map(([name, f]) => `${name} ${f.cpuMs} / ${f.invocations}`)
        .join(', '),
    ],
    [
      'CPU 15 s after the run, the warehouse still shipping (% of one core)',
      String(r.afterRunCpuPercentOfCore),
    ],
  ];
  return [
    `| measure | value |`,
    `|---|---|`,
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    'Usage per order (for `npm run cost`):',
    '',
    '```json',
    JSON.stringify(r.usagePerOrder, null, 2),
    '```',
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
