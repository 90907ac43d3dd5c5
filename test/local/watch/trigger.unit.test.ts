/**
 * The file-watch trigger of `npm start -- --watch` on a real temp folder: which folders start a synth, that a
 * burst of saves makes one call, and that saves during a call make exactly one more after it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ignored, type SourceTrigger, WATCHED_FOLDERS, watchSources } from '../../../local/watch/trigger.js';

const DEBOUNCE_MS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let root: string;
let trigger: SourceTrigger | undefined;

function project(): string {
  root = mkdtempSync(path.join(tmpdir(), 'commerceforge-trigger-'));
  for (const folder of [...WATCHED_FOLDERS, 'test', 'cdk.out', 'functions/node_modules/pkg']) {
    mkdirSync(path.join(root, folder), { recursive: true });
  }
  return root;
}

/** Waits until `calls` has `n` entries (fs events may lag on a loaded machine), then a little more. */
async function settle(calls: unknown[], n: number, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (calls.length < n && Date.now() < until) await sleep(25);
  await sleep(DEBOUNCE_MS * 3);
}

afterEach(() => {
  trigger?.close();
  trigger = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe('watchSources', () => {
  it('watches the folders cdk synth reads, and only those', async () => {
    const calls: (readonly string[])[] = [];
    trigger = watchSources({
      root: project(),
      debounceMs: DEBOUNCE_MS,
      onChange: (files) => void calls.push(files),
    });
    expect(trigger.folders).toEqual(['bin', 'lib', 'functions', 'statemachines']);
    await sleep(50);
    writeFileSync(path.join(root, 'test', 'a.test.ts'), 'x');
    writeFileSync(path.join(root, 'cdk.out', 'manifest.json'), '{}');
    writeFileSync(path.join(root, 'functions', 'node_modules', 'pkg', 'index.js'), 'x');
    writeFileSync(path.join(root, 'lib', '.config.ts.swp'), 'x');
    await sleep(DEBOUNCE_MS * 4);
    expect(calls).toEqual([]);

    writeFileSync(path.join(root, 'statemachines', 'saga.ts'), 'x');
    await settle(calls, 1);
    expect(calls).toEqual([[path.join('statemachines', 'saga.ts')]]);
  });

  it('makes one call for a burst of saves, with every file the burst touched', async () => {
    const calls: (readonly string[])[] = [];
    trigger = watchSources({
      root: project(),
      // Longer than the gaps between saves even on a loaded machine.
      debounceMs: DEBOUNCE_MS * 3,
      onChange: (files) => void calls.push(files),
    });
    await sleep(50);
    mkdirSync(path.join(root, 'functions', 'orders'));
    for (let i = 0; i < 5; i++) {
      writeFileSync(path.join(root, 'functions', 'orders', 'commands.ts'), `v${i}`);
      writeFileSync(path.join(root, 'lib', 'config.ts'), `v${i}`);
      await sleep(DEBOUNCE_MS / 5);
    }
    await settle(calls, 1);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual(
      expect.arrayContaining([
        path.join('functions', 'orders', 'commands.ts'),
        path.join('lib', 'config.ts'),
      ]),
    );
  });

  it('runs one call at a time: saves during a call make one more call after it', async () => {
    const calls: (readonly string[])[] = [];
    let inFlight = 0;
    let overlapped = false;
    trigger = watchSources({
      root: project(),
      debounceMs: DEBOUNCE_MS,
      onChange: async (files) => {
        inFlight += 1;
        overlapped ||= inFlight > 1;
        calls.push(files);
        await sleep(DEBOUNCE_MS * 4);
        inFlight -= 1;
      },
    });
    await sleep(50);
    writeFileSync(path.join(root, 'bin', 'app.ts'), 'v1');
    await settle(calls, 1, 5_000);
    // The first call is running: two saves now.
    writeFileSync(path.join(root, 'lib', 'a.ts'), 'v1');
    writeFileSync(path.join(root, 'lib', 'b.ts'), 'v1');
    await settle(calls, 2, 5_000);
    await trigger.idle();
    expect(overlapped).toBe(false);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual([path.join('lib', 'a.ts'), path.join('lib', 'b.ts')]);
  });

  it('does not take editors’ and tools’ files for sources', () => {
    expect(ignored(path.join('lib', '.#config.ts'))).toBe(true);
    expect(ignored(path.join('lib', 'config.ts~'))).toBe(true);
    expect(ignored(path.join('functions', 'node_modules', 'x', 'index.js'))).toBe(true);
    expect(ignored(path.join('functions', 'orders', 'commands.ts'))).toBe(false);
  });
});
