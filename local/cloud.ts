/**
 * Starts the local cloud in-process: reads the cloud assembly, starts DynamoDB Local, the X-Ray collector,
 * SQS and Lambda, serves them on one endpoint, then starts the plugins. `main.ts` is the command line on top;
 * tests and later parts call `startLocalCloud` directly.
 */
import { readCloudAssembly } from './assembly/cloud-assembly.js';
import { CloudModel } from './assembly/model.js';
import { CORE_TYPES, classify, formatCounts } from './assembly/resource-kinds.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './core/aws-service.js';
import type { LocalCloud } from './core/local-cloud.js';
import { consoleLogger, type LocalLogger } from './core/log.js';
import type { LocalCloudPlugin } from './core/plugin.js';
import { UsageMeter } from './core/usage.js';
import { startDynamoDbDataPlane } from './dynamodb/data-plane.js';
import { type DynamoDbLocal, LOCAL_AUTHORIZATION, startDynamoDbLocal } from './dynamodb/dynamodb-local.js';
import { DYNAMODB_STREAMS_TARGET, DYNAMODB_TARGET, dynamoDbProxy } from './dynamodb/proxy.js';
import { TableWrites } from './dynamodb/table-writes.js';
import { createTables, dynamoDbCaller } from './dynamodb/tables.js';
import { LocalIdentities } from './iam/identities.js';
import {
  BACKGROUND_ENVIRONMENTS_ENV,
  BACKGROUND_NICE_ENV,
  backgroundEnvironments,
  backgroundFunctions,
  backgroundNice,
} from './lambda/background.js';
import { readFunctions } from './lambda/functions.js';
import { registerLambdaApi } from './lambda/lambda-api.js';
import { LambdaService } from './lambda/lambda-service.js';
import { tuneV8TieringForWorkers } from './lambda/v8-tiering.js';
import { registerLocalRoutes } from './server/local-routes.js';
import { Router } from './server/router.js';
import { registerSqsQueryProtocol } from './sqs/query-protocol.js';
import { createQueuesFromModel, SqsQueues } from './sqs/queues.js';
import { SqsService } from './sqs/sqs-service.js';
import { XRayCollector } from './xray/collector.js';
import { Sampler, samplingRulesOf } from './xray/sampling.js';

// Plugins and tools import the contract from the core; this re-export keeps `cloud.js` importers working.
export type { LocalCloud } from './core/local-cloud.js';

export interface LocalCloudOptions {
  /** The cloud assembly folder (cdk.out). */
  readonly assemblyDir: string;
  /** 0 picks a free port. @default 4566 */
  readonly port?: number;
  /** Keep DynamoDB data in this folder; in memory when absent. */
  readonly persistDir?: string;
  readonly logger?: LocalLogger;
  readonly plugins?: readonly LocalCloudPlugin[];
  /** Template parameter values, per stack name. */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** SSM parameter values that templates resolve at deploy time. */
  readonly ssmParameters?: Readonly<Record<string, string>>;
  /**
   * Start each function's first execution environment in the background once the cloud serves (one init per
   * core at a time, behind any invocation's), so first requests find warm functions. @default true
   */
  readonly warmFunctions?: boolean;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.logger ?? consoleLogger;
  const startedAt = Date.now();
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log.warn(`local cloud: stopping failed: ${String(error)}`);
      }
    }
  };
  // Before the first worker starts: V8's flags are process-wide (see v8-tiering.ts).
  tuneV8TieringForWorkers();
  try {
    const stacks = readCloudAssembly(options.assemblyDir);
    log.info(
      `  assembly: ${stacks.length} stack(s) in ${options.assemblyDir}: ${stacks.map((s) => s.stackName).join(', ')}`,
    );

    const router = new Router(log);
    const port = await router.listen(options.port ?? 4566);
    stops.push(() => router.close());
    const url = `http://127.0.0.1:${port}`;

    const xray = new XRayCollector();
    const [dynamo] = await Promise.all([
      startDynamoDbLocal({ log, ...(options.persistDir ? { persistDir: options.persistDir } : {}) }).then(
        (d: DynamoDbLocal) => {
          stops.push(() => d.stop());
          log.info(
            `  dynamodb: DynamoDB Local up (${options.persistDir ? `data in ${options.persistDir}` : 'in memory'})`,
          );
          return d;
        },
      ),
      xray.start().then(() => stops.push(() => xray.stop())),
    ]);

    const model = new CloudModel(stacks, {
      accountId: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      endpoint: url,
      ...(options.parameters ? { parameters: options.parameters } : {}),
      ...(options.ssmParameters ? { ssmParameters: options.ssmParameters } : {}),
    });

    const sqs = new SqsQueues(() => url, LOCAL_REGION, LOCAL_ACCOUNT_ID);
    const queues = createQueuesFromModel(model, sqs);
    log.info(
      `  sqs: ${queues.length} queue(s)${queues.length ? `: ${queues.map((q) => q.name).join(', ')}` : ''}`,
    );

    const tables = await createTables(model, dynamoDbCaller(dynamo.endpoint, LOCAL_AUTHORIZATION), log);
    log.info(
      `  dynamodb: ${tables.length} table(s)${tables.length ? `: ${tables.map((t) => t.name).join(', ')}` : ''}`,
    );

    const iam = LocalIdentities.fromModel(model);
    const { functions, notRunnable } = readFunctions(model);
    const background = backgroundFunctions(
      model,
      functions.map((fn) => fn.name),
    );
    const nice = backgroundNice();
    const backgroundEnvironmentCount = backgroundEnvironments();
    const usage = new UsageMeter();
    const writes = new TableWrites();
    const dataPlane = await startDynamoDbDataPlane({ dynamoDbEndpoint: dynamo.endpoint, writes, usage });
    stops.push(() => dataPlane.stop());
    const sampler = new Sampler(
      samplingRulesOf(
        model.resources('AWS::XRay::SamplingRule').map((resource) => model.properties(resource)),
      ),
    );
    const lambda: LambdaService = new LambdaService(functions, {
      usage,
      niceOf: (fn) => (background.has(fn.name) ? nice : 0),
      maxEnvironmentsOf: (fn) => (background.has(fn.name) ? backgroundEnvironmentCount : undefined),
      // Each function calls as its execution role, as in Lambda.
      accessKeyIdOf: (fn) => (fn.roleArn === undefined ? undefined : iam.accessKeyIdOf(fn.roleArn)),
      dynamoDbEndpoint: dataPlane.endpoint,
      sample: (name) => sampler.sample(name),
      deliverDestination: async (arn, record) => {
        if (arn.includes(':sqs:')) sqs.send(arn, record);
        else if (arn.includes(':lambda:'))
          await lambda.invoke(arn, JSON.parse(record), { invocationType: 'Event' });
        else throw new Error(`destination type not run locally: ${arn}`);
      },
      endpoint: url,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      xrayDaemonAddress: xray.daemonAddress,
      recordSegment: (segment) => xray.record(segment),
      log,
    });
    stops.push(() => lambda.stop());
    log.info(
      `  lambda: ${functions.length} function(s)${functions.length ? `: ${functions.map((f) => f.name).join(', ')}` : ''}`,
    );
    if (background.size > 0) {
      log.info(
        `  lambda: ${background.size} background function(s) (invoked by event sources only, nobody waits on them) run at nice ${nice} (${BACKGROUND_NICE_ENV}), at most ${backgroundEnvironmentCount} environment(s) each (${BACKGROUND_ENVIRONMENTS_ENV})`,
      );
    }
    for (const { resource, reason } of notRunnable) {
      log.warn(`  lambda: ${resource.stackName}/${resource.logicalId} cannot run locally: ${reason}`);
    }

    router.registerRawTarget(
      DYNAMODB_TARGET,
      dynamoDbProxy(dynamo.endpoint, { onWrite: (tableNames) => writes.emit(tableNames), usage }),
    );
    router.registerRawTarget(DYNAMODB_STREAMS_TARGET, dynamoDbProxy(dynamo.endpoint));
    const sqsService = new SqsService(sqs);
    router.registerService(sqsService);
    registerLambdaApi(router, lambda);

    const plugins = options.plugins ?? [];
    const handled = new Set<string>([...CORE_TYPES, ...plugins.flatMap((plugin) => plugin.resourceTypes)]);
    const resources = classify(model.resources(), handled);

    const cloud: LocalCloud = {
      url,
      port,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      model,
      iam,
      router,
      lambda,
      sqs,
      xray,
      usage,
      dynamodb: { endpoint: dynamo.endpoint, tables, writes },
      resources,
      logger: log,
      registerService: (service) => router.registerService(service),
      health: () => ({
        status: 'ok',
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        endpoint: url,
        region: LOCAL_REGION,
        stacks: stacks.map((stack) => stack.stackName),
        services: [...router.targetPrefixes, 'Lambda'],
        dynamodb: { tables: tables.map((table) => table.name), persistent: Boolean(options.persistDir) },
        lambda: { functions: functions.map((fn) => fn.name), environments: lambda.poolStats() },
        sqs: { queues: sqs.list().map((queue) => queue.name) },
        xray: { daemonAddress: xray.daemonAddress, traces: xray.list().length },
        plugins: Object.fromEntries(plugins.map((plugin) => [plugin.name, plugin.health?.() ?? 'running'])),
        notRunLocally: Object.fromEntries(resources.unsupported),
      }),
      stop: stopAll,
    };
    // The SQS query protocol and /_local routes are catch-alls of their kind: added after the Lambda routes.
    registerSqsQueryProtocol(router, sqsService);
    registerLocalRoutes(router, cloud);

    for (const plugin of plugins) {
      await plugin.start(cloud);
      if (plugin.stop) stops.push(() => plugin.stop?.());
      log.info(`  ${plugin.name}: started`);
    }
    if (options.warmFunctions ?? true) lambda.warmAll();
    if (resources.notNeeded.size) log.info(`  not needed locally: ${formatCounts(resources.notNeeded)}`);
    if (resources.unsupported.size) log.warn(`  not run locally: ${formatCounts(resources.unsupported)}`);
    return cloud;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
