/**
 * The cold start of a service function against a hello-world handler that creates one SDK client, both in
 * the local cloud's own execution environment (a worker thread, as `npm start` runs functions), alternated,
 * medians compared: a ratio that means the same on a fast or a slow machine.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExecutionEnvironment } from '../local/lambda/execution-environment.js';
import { modulePaths } from '../local/lambda/runtime-env.js';
import { publicLayerDirOfEntry, runtimeModulesDir } from '../local/lambda/runtime-modules.js';

const SAMPLES = 7;

export interface ColdStart {
  readonly serviceMs: number;
  readonly helloMs: number;
  readonly ratio: number;
  readonly samples: number;
  readonly function: string;
}

export async function coldStartRatio(endpoint: string, assemblyDir: string): Promise<ColdStart> {
  const service = ordersCommands(assemblyDir);
  const hello = mkdtempSync(path.join(tmpdir(), 'hello-'));
  writeFileSync(
    path.join(hello, 'index.js'),
    "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');\n" +
      'const client = new DynamoDBClient({});\n' +
      'exports.handler = async () => ({ hello: typeof client.send });\n',
  );
  const base = {
    NODE_PATH: runtimeModulesDir(),
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
  };
  const time = async (assetDir: string, env: Record<string, string>) => {
    const environment = new ExecutionEnvironment({
      functionName: 'bench',
      assetDir,
      handler: 'index.handler',
      env: { ...base, ...env },
      memoryMb: 256,
      logStreamName: 'bench',
      onOutput: () => {},
    });
    try {
      return await environment.ready;
    } finally {
      await environment.terminate();
    }
  };
  const serviceTimes: number[] = [];
  const helloTimes: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    helloTimes.push(await time(hello, {}));
    serviceTimes.push(
      await time(service.assetDir, {
        ...service.environment,
        NODE_PATH: modulePaths('nodejs24.x', service.layerDirs),
      }),
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const serviceMs = median(serviceTimes);
  const helloMs = median(helloTimes);
  return {
    serviceMs: Math.round(serviceMs),
    helloMs: Math.round(helloMs),
    ratio: Math.round((serviceMs / helloMs) * 100) / 100,
    samples: SAMPLES,
    function: service.name,
  };
}

/** The orders Commands function's asset and environment, from the synthesized template. */
function ordersCommands(assemblyDir: string) {
  const file = readdirSync(assemblyDir).find((name) => /-Orders\.template\.json$/.test(name));
  if (!file) throw new Error('no Orders stack in the assembly');
  const template = JSON.parse(readFileSync(path.join(assemblyDir, file), 'utf8')) as {
    Parameters?: Record<string, { Type?: string; Default?: string }>;
    Resources: Record<
      string,
      {
        Type: string;
        Metadata?: Record<string, string>;
        Properties?: { Environment?: { Variables?: object }; Layers?: unknown[] };
      }
    >;
  };
  const found = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      /\/Commands\/Function\//.test(resource.Metadata?.['aws:cdk:path'] ?? ''),
  );
  const asset = found?.Metadata?.['aws:asset:path'];
  if (!found || !asset) throw new Error('no orders Commands function in the assembly');
  // Values the handler reads at init; intrinsics (table names) are only read per invocation, as strings here.
  const environment = Object.fromEntries(
    Object.entries(found.Properties?.Environment?.Variables ?? {}).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : 'bench',
    ]),
  );
  // Its layers as the local cloud runs them: the public ones it stands in for (Powertools), by their parameter.
  const layerDirs = (found.Properties?.Layers ?? []).flatMap((layer) => {
    const dir = publicLayerDirOfEntry(layer, template.Parameters);
    return dir ? [dir] : [];
  });
  return { name: 'orders Commands', assetDir: path.join(assemblyDir, asset), environment, layerDirs };
}
