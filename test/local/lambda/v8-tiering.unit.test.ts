import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * In a fresh process (V8's flags are process-wide): tune as the cloud does, then start a worker thread (an
 * execution environment's kind of isolate) and ask V8 whether a function it ran once already has Sparkplug's
 * baseline code (OptimizationStatus bit 15), which only `--always-sparkplug` gives after a single call.
 */
function tieringSeenByAWorker(tiering: string): { flags: string[]; baseline: boolean } {
  const script = `
    const { Worker } = require('node:worker_threads');
    const { tuneV8TieringForWorkers } = require('./local/lambda/v8-tiering.ts');
    const flags = tuneV8TieringForWorkers();
    const worker = new Worker(
      "const f = new Function('a', 'return a + 1'); f(1);" +
        "require('node:worker_threads').parentPort.postMessage((%GetOptimizationStatus(f) & (1 << 15)) !== 0);",
      { eval: true },
    );
    worker.once('message', (baseline) => {
      console.log(JSON.stringify({ flags, baseline }));
      worker.terminate();
    });`;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, LOCAL_V8_TIERING: tiering },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

describe('V8 tiering for the cloud’s workers', () => {
  it('reaches worker isolates: code goes straight to baseline, TurboFan waits four times longer', () => {
    const tuned = tieringSeenByAWorker('');
    expect(tuned.flags).toEqual(['--interrupt-budget=270336', '--always-sparkplug']);
    expect(tuned.baseline).toBe(true);
  });

  it('LOCAL_V8_TIERING=default leaves V8’s own tiering: the function is still interpreted', () => {
    const untouched = tieringSeenByAWorker('default');
    expect(untouched.flags).toEqual([]);
    expect(untouched.baseline).toBe(false);
  });
});
