import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalFunction } from '../../../local/lambda/functions.js';
import { runtimeEnvironment } from '../../../local/lambda/runtime-env.js';
import { PROJECT_ROOT, publicLayerDir } from '../../../local/lambda/runtime-modules.js';
import { invokeOnce } from '../../helpers/execution-environment.js';

// The asset sits inside the project, as cdk.out does, where a plain climb up the folders would find the project's
// node_modules: what a handler can require must still be only what Lambda gives it.
const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const assetDir = mkdtempSync(path.join(cache, 'runtime-modules-'));
writeFileSync(
  path.join(assetDir, 'index.js'),
  `exports.handler = async () => {
     const found = {};
     for (const name of ['@aws-sdk/client-dynamodb', '@aws-lambda-powertools/logger', 'zod']) {
       try { require.resolve(name); found[name] = true; } catch { found[name] = false; }
     }
     if (found['@aws-lambda-powertools/logger']) {
       const { Logger } = require('@aws-lambda-powertools/logger');
       found.loggerWorks = typeof new Logger({ serviceName: 'test' }).info === 'function';
     }
     return found;
   };`,
);
afterAll(() => rmSync(assetDir, { recursive: true, force: true }));

const POWERTOOLS_PARAMETER = 'local-ssm:/aws/service/powertools/typescript/generic/all/2.35.0';

async function requirable(layerDirs: string[]): Promise<Record<string, boolean>> {
  const fn = { name: 'modules-test', runtime: 'nodejs24.x', memoryMb: 128, environment: {}, layerDirs };
  const env = runtimeEnvironment(fn as unknown as LocalFunction, {
    endpoint: 'http://localhost:1',
    region: 'us-east-1',
    xrayDaemonAddress: '127.0.0.1:2000',
    logStreamName: 'test',
  });
  return (await invokeOnce({ assetDir, env })) as Record<string, boolean>;
}

describe('the modules a function finds outside its bundle', () => {
  it('are the runtime’s AWS SDK only, without a layer: not Powertools, not the project’s other packages', async () => {
    expect(await requirable([])).toEqual({
      '@aws-sdk/client-dynamodb': true,
      '@aws-lambda-powertools/logger': false,
      zod: false,
    });
  });

  it('include Powertools when the function has the Powertools layer (by its public parameter)', async () => {
    const layer = publicLayerDir(POWERTOOLS_PARAMETER);
    expect(layer).toBeDefined();
    expect(await requirable([layer as string])).toEqual({
      '@aws-sdk/client-dynamodb': true,
      '@aws-lambda-powertools/logger': true,
      loggerWorks: true,
      zod: false,
    });
  });

  it('know the Powertools layer by its ARN too, and no other public layer', () => {
    const byParameter = publicLayerDir(POWERTOOLS_PARAMETER);
    expect(
      publicLayerDir('arn:aws:lambda:eu-west-1:000000000000:layer:AWSLambdaPowertoolsTypeScriptV2:44'),
    ).toBe(byParameter);
    expect(publicLayerDir('local-ssm:/aws/service/powertools/typescript/generic/all/latest')).toBe(
      byParameter,
    );
    expect(
      publicLayerDir('arn:aws:lambda:eu-west-1:000000000000:layer:aws-fis-extension-arm64:9'),
    ).toBeUndefined();
    expect(
      publicLayerDir('local-ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'),
    ).toBe(undefined);
  });
});
