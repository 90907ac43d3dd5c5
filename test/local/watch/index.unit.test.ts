/**
 * `startWatch`, the chain `npm start -- --watch` runs: the file watcher (real, on a temp project) → a synth
 * into a fresh folder → a deploy of that folder. The synth is a stand-in that copies a prepared assembly (a
 * real `cdk synth` takes a minute) and the deployer records what it is given (the controller's own tests and
 * watch.e2e.test.ts deploy for real).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../local/cloud.js';
import {
  type AssemblyDeployer,
  type DeployReport,
  startWatch,
  WATCHED_FOLDERS,
  type Watch,
} from '../../../local/watch/index.js';

const DEBOUNCE_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** No function runs: every synthesized folder but the latest is unused. */
const cloud = { lambda: { functions: [] } } as unknown as LocalCloud;

let root: string;
let assembly: string;
let watch: Watch | undefined;

function project(): string {
  root = mkdtempSync(path.join(tmpdir(), 'commerceforge-start-watch-'));
  for (const folder of WATCHED_FOLDERS) mkdirSync(path.join(root, folder, 'orders'), { recursive: true });
  assembly = path.join(root, 'prepared.out');
  mkdirSync(assembly);
  writeFileSync(path.join(assembly, 'manifest.json'), JSON.stringify({ version: 'prepared' }));
  return root;
}

/** Waits until `until()` holds (fs events may lag on a loaded machine), then a few quiet times more. */
async function settle(until: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!until() && Date.now() < deadline) await sleep(25);
  await sleep(DEBOUNCE_MS * 4);
}

/** A deployer that records each folder it is asked to deploy, and what the folder held then. */
function recordingDeployer() {
  const deployed: { dir: string; manifest: string | undefined }[] = [];
  let stopped = false;
  const deployer: AssemblyDeployer = {
    deploy: async (dir): Promise<DeployReport> => {
      const manifest = path.join(dir, 'manifest.json');
      deployed.push({ dir, manifest: existsSync(manifest) ? readFileSync(manifest, 'utf8') : undefined });
      return { assemblyDir: dir, deployments: [], restartNeeded: [] };
    },
    stop: () => {
      stopped = true;
    },
  };
  return { deployer, deployed, stopped: () => stopped };
}

afterEach(() => {
  watch?.close();
  watch = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe('startWatch', () => {
  it('a save makes one synth into a fresh folder and one deploy of what it wrote; close cleans up', async () => {
    const synths: string[] = [];
    const lines: string[] = [];
    const { deployer, deployed, stopped } = recordingDeployer();
    watch = startWatch({
      cloud,
      projectRoot: project(),
      debounceMs: DEBOUNCE_MS,
      log: (line) => lines.push(line),
      deployer,
      synthesize: async (outdir) => {
        synths.push(outdir);
        cpSync(assembly, outdir, { recursive: true });
      },
    });
    expect(lines.join('\n')).toContain('watch: bin/ lib/ functions/ statemachines/');
    await sleep(50);

    writeFileSync(path.join(root, 'functions', 'orders', 'commands.ts'), 'v1');
    await settle(() => deployed.length >= 1);
    expect(synths).toHaveLength(1);
    expect(deployed).toEqual([{ dir: synths[0], manifest: JSON.stringify({ version: 'prepared' }) }]);
    // Not the project's cdk.out, which the running cloud reads.
    expect(synths[0]!.startsWith(root)).toBe(false);
    const log = lines.join('\n');
    expect(log).toContain(`watch: ${path.join('functions', 'orders', 'commands.ts')} changed: cdk synth`);
    expect(log).toMatch(/watch: synthesized in \d+\.\d s; deploying/);
    expect(log).toContain('watch: done: 0 function(s) deployed');

    writeFileSync(path.join(root, 'lib', 'orders', 'stack.ts'), 'v1');
    await settle(() => deployed.length >= 2);
    expect(synths).toHaveLength(2);
    expect(synths[1]).not.toBe(synths[0]);
    expect(deployed.map((d) => d.dir)).toEqual(synths);
    // No version runs code from the first folder any more: it is gone; the latest stays.
    expect(existsSync(synths[0]!)).toBe(false);
    expect(existsSync(synths[1]!)).toBe(true);

    watch.close();
    expect(stopped()).toBe(true);
    expect(existsSync(synths[1]!)).toBe(false);
  });

  it('coalesces the saves made during a synth into one more synth and deploy after it', async () => {
    const synths: string[] = [];
    const lines: string[] = [];
    const { deployer, deployed } = recordingDeployer();
    let release: () => void = () => undefined;
    const firstSynthHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    watch = startWatch({
      cloud,
      projectRoot: project(),
      debounceMs: DEBOUNCE_MS,
      log: (line) => lines.push(line),
      deployer,
      synthesize: async (outdir) => {
        synths.push(outdir);
        if (synths.length === 1) await firstSynthHeld;
        cpSync(assembly, outdir, { recursive: true });
      },
    });
    await sleep(50);

    writeFileSync(path.join(root, 'bin', 'app.ts'), 'v1');
    await settle(() => synths.length >= 1);
    // The first synth is running: three saves of two files.
    writeFileSync(path.join(root, 'functions', 'orders', 'a.ts'), 'v1');
    writeFileSync(path.join(root, 'functions', 'orders', 'b.ts'), 'v1');
    writeFileSync(path.join(root, 'functions', 'orders', 'a.ts'), 'v2');
    await sleep(DEBOUNCE_MS * 4);
    expect(synths).toHaveLength(1);
    expect(deployed).toHaveLength(0);

    release();
    await settle(() => deployed.length >= 2);
    await watch.trigger.idle();
    expect(synths).toHaveLength(2);
    expect(deployed.map((d) => d.dir)).toEqual(synths);
    const changed = lines.filter((line) => line.includes('changed: cdk synth'));
    expect(changed).toHaveLength(2);
    expect(changed[1]).toContain(
      `${path.join('functions', 'orders', 'a.ts')}, ${path.join('functions', 'orders', 'b.ts')} changed`,
    );
  });

  it('reports a failed synth and deploys nothing; the next save synthesizes and deploys again', async () => {
    const synths: string[] = [];
    const lines: string[] = [];
    const { deployer, deployed } = recordingDeployer();
    watch = startWatch({
      cloud,
      projectRoot: project(),
      debounceMs: DEBOUNCE_MS,
      log: (line) => lines.push(line),
      deployer,
      synthesize: async (outdir) => {
        synths.push(outdir);
        if (synths.length === 1) throw new Error('cdk synth failed (exit 1): fix the app and save again');
        cpSync(assembly, outdir, { recursive: true });
      },
    });
    await sleep(50);

    writeFileSync(path.join(root, 'functions', 'orders', 'commands.ts'), 'broken');
    await settle(() => lines.some((line) => line.includes('nothing deployed')));
    expect(synths).toHaveLength(1);
    expect(deployed).toHaveLength(0);
    expect(lines).toContain('watch: cdk synth failed (exit 1): fix the app and save again; nothing deployed');
    expect(lines.join('\n')).not.toContain('deploying');

    writeFileSync(path.join(root, 'functions', 'orders', 'commands.ts'), 'fixed');
    await settle(() => deployed.length >= 1);
    expect(synths).toHaveLength(2);
    expect(deployed.map((d) => d.dir)).toEqual([synths[1]]);
    // The failed synth's folder does not linger.
    expect(existsSync(synths[0]!)).toBe(false);
  });
});
