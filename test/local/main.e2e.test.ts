/**
 * `npm start` as a user runs it: the command line on the fixture's cloud assembly, the real AWS CLI against
 * it (when /usr/bin/aws is installed), then a signal, after which nothing it started may still run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeFixtureApp } from '../helpers/fixture-app.js';

const AWS_CLI = '/usr/bin/aws';

let assemblyDir: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  assemblyDir = synthesizeFixtureApp();
});

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `tsx local/main.ts --app <dir> [...flags]` and resolves once it prints its `ready` line. */
async function startCli(
  port: number,
  flags: readonly string[] = [],
): Promise<{ child: ChildProcess; output: () => string; readyMs: number }> {
  const begin = Date.now();
  const child = spawn('node_modules/.bin/tsx', ['local/main.ts', '--app', assemblyDir, ...flags], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (/ready on/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output, readyMs: Date.now() - begin };
}

/** Every process below `pid` (the tsx wrapper, node, the supervisor shell, java). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (local/main.ts)', () => {
  it('serves the AWS CLI, then stops everything on SIGTERM', async () => {
    const port = await freePort();
    const { child, output, readyMs } = await startCli(port);
    console.log(`local cloud ready in ${readyMs} ms (process start to ready line)`);
    expect(output()).toContain(`http://localhost:${port}`);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');

    if (existsSync(AWS_CLI)) {
      const aws = (...args: string[]) =>
        execFileSync(AWS_CLI, ['--endpoint-url', `http://localhost:${port}`, '--output', 'json', ...args], {
          encoding: 'utf8',
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_DEFAULT_REGION: 'us-east-1',
          },
        });
      expect(JSON.parse(aws('dynamodb', 'list-tables')).TableNames).toHaveLength(1);
      expect(JSON.parse(aws('sqs', 'list-queues')).QueueUrls).toHaveLength(4);
      const functions = JSON.parse(aws('lambda', 'list-functions')).Functions as { FunctionName: string }[];
      const thrower = functions.find((fn) => fn.FunctionName.includes('Thrower'))!.FunctionName;
      const invoked = JSON.parse(
        aws(
          'lambda',
          'invoke',
          '--function-name',
          thrower,
          '--cli-binary-format',
          'raw-in-base64-out',
          '--payload',
          '{}',
          '/dev/null',
        ),
      );
      expect(invoked.FunctionError).toBe('Unhandled');
    }

    const tree = descendants(child.pid!);
    expect(tree.length).toBeGreaterThan(0);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // The tsx wrapper forwards the signal to node, as a terminal's Ctrl-C would reach it.
    child.kill('SIGTERM');
    await exited;
    await expect.poll(() => tree.filter(alive), { timeout: 10_000 }).toEqual([]);
  });

  it('--watch watches the sources before it says ready, and stops with the cloud', async () => {
    const { child, output } = await startCli(await freePort(), ['--watch']);
    const watching = output().indexOf('watch: bin/ lib/ functions/ statemachines/: a change re-synthesizes');
    expect(watching).toBeGreaterThan(-1);
    expect(watching).toBeLessThan(output().indexOf('ready on'));
    // Nothing changed: no synth ran.
    expect(output()).not.toContain('cdk synth');
    const tree = descendants(child.pid!);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    // A clean stop (the 5 s fallback would exit with 1).
    expect(await exited).toBe(0);
    await expect.poll(() => tree.filter(alive), { timeout: 10_000 }).toEqual([]);
  });

  it('leaves no Java process behind even when killed with SIGKILL', async () => {
    const { child } = await startCli(await freePort());
    const tree = descendants(child.pid!);
    const command = (pid: number) =>
      execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    const nodes = [child.pid!, ...tree].filter((pid) => command(pid) === 'node');
    expect(tree.some((pid) => command(pid) === 'java')).toBe(true);
    // Only the Node processes die, with no chance to clean up: the supervisor must take Java down itself.
    for (const pid of nodes) process.kill(pid, 'SIGKILL');
    await expect.poll(() => tree.filter(alive), { timeout: 10_000 }).toEqual([]);
  });
});
