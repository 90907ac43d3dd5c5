/**
 * DynamoDB Local, the real one: the Java jar that amplify-dynamodb-simulator ships, spawned directly (the
 * package's own launcher is not used). Java is started behind a tiny shell that kills it when its stdin
 * closes, so even a parent killed with SIGKILL leaves no Java process behind.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { LocalCloudError } from '../core/errors.js';
import type { LocalLogger } from '../core/log.js';

export interface DynamoDbLocalOptions {
  /** Keep the data in this folder (`-dbPath`); in memory when absent. */
  readonly persistDir?: string;
  readonly log: LocalLogger;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const SUPERVISOR = 'java "$@" </dev/null & j=$!; trap \'kill $j 2>/dev/null\' EXIT; read _ignored; exit 0';

export function emulatorDir(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('amplify-dynamodb-simulator/package.json');
  return path.join(path.dirname(packageJson), 'emulator');
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  assertJava();
  const cwd = emulatorDir();
  if (!existsSync(path.join(cwd, 'DynamoDBLocal.jar'))) {
    throw new LocalCloudError('DYNAMODB_LOCAL_FAILED', `DynamoDBLocal.jar not found in ${cwd}: run npm ci`);
  }
  const port = await freePort();
  const storage = options.persistDir ? ['-dbPath', prepare(path.resolve(options.persistDir))] : ['-inMemory'];
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  const child = spawn('sh', ['-c', SUPERVISOR, 'dynamodb-local', ...args], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let exited = false;
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('exit', () => {
    exited = true;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, () => exited);
  } catch (error) {
    child.stdin?.end();
    throw new LocalCloudError('DYNAMODB_LOCAL_FAILED', `DynamoDB Local did not start: ${output.trim()}`, {
      cause: error,
    });
  }
  child.on('exit', (code) => {
    if (!stopping) options.log.warn(`DynamoDB Local exited unexpectedly (code ${code}): ${output.trim()}`);
  });
  let stopping = false;
  return {
    endpoint,
    stop: () => {
      stopping = true;
      return stopChild(child, () => exited);
    },
  };
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error) {
    throw new LocalCloudError(
      'JAVA_MISSING',
      'DynamoDB Local needs Java 17: `java` was not found. Install it with `apt-get install openjdk-17-jre-headless` (or any Java 17+ runtime on PATH).',
    );
  }
}

function prepare(directory: string): string {
  mkdirSync(directory, { recursive: true });
  return directory;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(endpoint: string, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('java exited');
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization: LOCAL_AUTHORIZATION,
        },
        body: '{}',
      });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out after 30 s');
}

/** DynamoDB Local refuses access keys with `_` or `-` but checks no signature: every request is sent as this. */
export const LOCAL_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

async function stopChild(child: ChildProcess, hasExited: () => boolean): Promise<void> {
  if (hasExited()) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Closing stdin ends the supervisor's `read`; its EXIT trap kills java.
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
