import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecutionEnvironment } from '../../../local/lambda/execution-environment.js';

function environment(assetDir: string) {
  return new ExecutionEnvironment({
    functionName: 'fn',
    assetDir,
    handler: 'index.handler',
    env: {},
    memoryMb: 128,
    logStreamName: 'stream',
    onOutput: () => {},
  });
}

describe('ExecutionEnvironment', () => {
  it('loads a CommonJS bundle as Lambda does, although the project around cdk.out says "type": "module"', async () => {
    const project = mkdtempSync(path.join(tmpdir(), 'esm-project-'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    const asset = path.join(project, 'cdk.out', 'asset.abc');
    mkdirSync(asset, { recursive: true });
    writeFileSync(
      path.join(asset, 'index.js'),
      'module.exports.handler = async (event) => ({ echoed: event.value, kind: typeof require });\n',
    );
    const env = environment(asset);
    try {
      await env.ready;
      const outcome = await env.invoke({
        requestId: 'r1',
        event: { value: 42 },
        context: { deadline: Date.now() + 5_000 },
        timeoutMs: 5_000,
      });
      expect(outcome).toEqual({ ok: true, payload: JSON.stringify({ echoed: 42, kind: 'function' }) });
    } finally {
      await env.terminate();
    }
  });

  it('loads an ES module bundle when the asset itself says "type": "module"', async () => {
    const asset = mkdtempSync(path.join(tmpdir(), 'esm-asset-'));
    writeFileSync(path.join(asset, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(path.join(asset, 'index.js'), 'export const handler = async () => "esm";\n');
    const env = environment(asset);
    try {
      await env.ready;
      const outcome = await env.invoke({
        requestId: 'r2',
        event: {},
        context: { deadline: Date.now() + 5_000 },
        timeoutMs: 5_000,
      });
      expect(outcome).toEqual({ ok: true, payload: '"esm"' });
    } finally {
      await env.terminate();
    }
  });
});
