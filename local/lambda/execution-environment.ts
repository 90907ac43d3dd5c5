/**
 * One Lambda execution environment: a worker thread running bootstrap.cjs with the function's own
 * environment variables and memory limit. Its first load is the cold start; a timeout or an out-of-memory
 * ends it (`worker.terminate()` stops busy loops too), as Lambda discards a sandbox after such a failure.
 */

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

export interface EnvironmentConfig {
  readonly functionName: string;
  readonly assetDir: string;
  readonly handler: string;
  readonly env: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  /** The nice value of the environment's thread (Linux): above 0 for a background function (background.ts). */
  readonly nice?: number;
  /** Lambda's log stream name of this environment (one per sandbox). */
  readonly logStreamName: string;
  /** A line of the function's console output. */
  readonly onOutput: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface InvokeMessage {
  readonly requestId: string;
  readonly event: unknown;
  readonly context: Record<string, unknown> & { deadline: number };
  readonly traceId?: string;
  readonly timeoutMs: number;
}

export type Outcome =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly error: LambdaErrorPayload; readonly fatal: boolean };

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.cjs', import.meta.url));

let nextId = 0;

/**
 * The young generation a worker's heap may grow to: a sixty-fourth of the function's memory, from 4 to 16 MB
 * (LOCAL_LAMBDA_YOUNG_GENERATION_MB overrides it). Left to V8, every worker grew it to tens of MB under load —
 * in AWS each environment has its sandbox's memory to itself, here 48 share a laptop's. Measured on 2 cores,
 * 100 orders at 16 (the same assembly, one run each): the cloud's RSS after the run 1.93 GB by default, 1.61 GB
 * at 8 MB, 1.46 GB at 4 MB, with the run no slower (20.2-20.3 s against 23.5 s).
 */
export function youngGenerationMb(memoryMb: number): number {
  const configured = Number(process.env.LOCAL_LAMBDA_YOUNG_GENERATION_MB);
  if (Number.isFinite(configured) && configured > 0) return configured;
  return Math.min(16, Math.max(4, Math.floor(memoryMb / 64)));
}

export class ExecutionEnvironment {
  readonly id = ++nextId;
  /** Resolves with the init duration (ms) once the handler is loaded; rejects with Lambda's init error. */
  readonly ready: Promise<number>;
  private readonly worker: Worker;
  private pending?: { id: string; settle: (outcome: Outcome) => void; timer: NodeJS.Timeout };
  private dead = false;
  private deathReason?: LambdaErrorPayload;
  invocations = 0;
  lastUsed = Date.now();
  private cpuMs = 0;
  private reportedCpuMs = 0;
  private schedstat?: string;

  constructor(private readonly config: EnvironmentConfig) {
    this.worker = new Worker(BOOTSTRAP, {
      workerData: { assetDir: config.assetDir, handler: config.handler, nice: config.nice ?? 0 },
      env: config.env,
      // Not the parent's flags: the cloud runs under tsx, whose loader hooks would transform every module the
      // function loads (measured: a third of a cold start's CPU). NODE_OPTIONS is honoured by the bootstrap.
      // LOCAL_LAMBDA_EXEC_ARGV passes flags to every function's worker, e.g. `--cpu-prof --cpu-prof-dir=prof`.
      execArgv: (process.env.LOCAL_LAMBDA_EXEC_ARGV ?? '').split(' ').filter(Boolean),
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: config.memoryMb,
        maxYoungGenerationSizeMb: youngGenerationMb(config.memoryMb),
      },
    });
    pipeLines(this.worker.stdout, (line) => config.onOutput(line, 'stdout'));
    pipeLines(this.worker.stderr, (line) => config.onOutput(line, 'stderr'));
    this.ready = new Promise<number>((resolve, reject) => {
      this.worker.on('message', (message: { type: string; [key: string]: unknown }) => {
        if (message.type === 'ready') {
          if (typeof message.schedstat === 'string') this.schedstat = message.schedstat;
          resolve(message.initDurationMs as number);
        } else if (message.type === 'initError') reject(message.error);
        else if (message.type === 'result') this.settle(message);
      });
      this.worker.on('error', (error: Error & { code?: string }) => {
        this.deathReason =
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? {
                errorType: 'Runtime.OutOfMemory',
                errorMessage: 'Runtime exited with error: out of memory',
                trace: [],
              }
            : {
                errorType: error.name === 'Error' ? 'Runtime.ExitError' : error.name,
                errorMessage: `Runtime exited with error: ${error.message}`,
                trace: String(error.stack ?? '').split('\n'),
              };
        reject(this.deathReason);
      });
      this.worker.on('exit', () => {
        this.dead = true;
        const reason = this.deathReason ?? {
          errorType: 'Runtime.ExitError',
          errorMessage: 'Runtime exited without providing a reason',
          trace: [],
        };
        reject(reason);
        this.fail(reason);
      });
    });
    // A failed init is reported to the invocation that awaited it. The environment is not reused: as in Lambda,
    // the next invocation initializes a fresh one.
    this.ready.catch(() => void this.terminate());
  }

  get logStreamName(): string {
    return this.config.logStreamName;
  }

  get alive(): boolean {
    return !this.dead;
  }

  invoke(message: InvokeMessage): Promise<Outcome> {
    this.invocations += 1;
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        const seconds = (message.timeoutMs / 1000).toFixed(2);
        this.deathReason = {
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${message.requestId} Error: Task timed out after ${seconds} seconds`,
          trace: [],
        };
        this.fail(this.deathReason);
        void this.terminate();
      }, message.timeoutMs);
      this.pending = { id: message.requestId, settle: resolve, timer };
      this.worker.postMessage({
        type: 'invoke',
        id: message.requestId,
        event: message.event,
        context: message.context,
        traceId: message.traceId,
      });
    }).finally(() => {
      this.lastUsed = Date.now();
    });
  }

  /**
   * The worker thread's CPU time (ms) since the last call: its init, invocations and background work (X-Ray
   * flushes, timers), from the thread's schedstat on Linux. Elsewhere its event-loop busy time, which CPU
   * contention inflates.
   */
  takeCpuMs(): number {
    this.readCpuMs();
    const delta = this.cpuMs - this.reportedCpuMs;
    this.reportedCpuMs = this.cpuMs;
    return delta;
  }

  private readCpuMs(): void {
    if (this.dead) return;
    try {
      if (this.schedstat) {
        this.cpuMs = Number(readFileSync(this.schedstat, 'utf8').split(' ')[0]) / 1e6;
        return;
      }
    } catch {
      // The thread has just ended: keep the last reading.
      return;
    }
    this.cpuMs = this.worker.performance.eventLoopUtilization().active;
  }

  async terminate(): Promise<void> {
    this.readCpuMs();
    this.dead = true;
    await this.worker.terminate();
  }

  private settle(message: { [key: string]: unknown }): void {
    const pending = this.pending;
    if (!pending || pending.id !== message.id) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.settle(
      message.ok
        ? { ok: true, payload: message.payload as string }
        : { ok: false, error: message.error as LambdaErrorPayload, fatal: false },
    );
  }

  private fail(error: LambdaErrorPayload): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.settle({ ok: false, error, fatal: true });
  }
}

function pipeLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
}
