/**
 * The execution environments of one function. An idle warm environment is reused; otherwise a new one is
 * started (a cold start) while the function is under its concurrency limit. Reserved concurrency is the
 * limit, as in Lambda: a synchronous invoke beyond it is throttled, an asynchronous one waits its turn.
 */
import { AwsError } from '../core/aws-service.js';
import type { ExecutionEnvironment } from './execution-environment.js';

export interface Lease {
  readonly environment: ExecutionEnvironment;
  readonly cold: boolean;
}

export class ThrottledError extends AwsError {
  constructor(functionName: string) {
    super('TooManyRequestsException', `Rate Exceeded. ${functionName}: reserved concurrency reached`, 429);
  }
}

export class FunctionPool {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly waiters: Array<(lease: Lease) => void> = [];
  private busy = 0;

  constructor(
    private readonly functionName: string,
    private readonly maxConcurrency: number,
    private readonly create: () => ExecutionEnvironment,
  ) {}

  get size(): number {
    return this.all.size;
  }

  get inUse(): number {
    return this.busy;
  }

  async acquire(whenFull: 'throttle' | 'wait'): Promise<Lease> {
    const warm = this.takeIdle();
    if (warm) {
      this.busy += 1;
      return { environment: warm, cold: false };
    }
    if (this.busy < this.maxConcurrency) {
      this.busy += 1;
      return { environment: this.start(), cold: true };
    }
    if (whenFull === 'throttle') throw new ThrottledError(this.functionName);
    return new Promise<Lease>((resolve) => this.waiters.push(resolve));
  }

  release(environment: ExecutionEnvironment): void {
    if (!environment.alive) this.all.delete(environment);
    const waiter = this.waiters.shift();
    if (waiter) {
      // The slot passes straight to the next waiter; `busy` stays as it is.
      if (environment.alive) waiter({ environment, cold: false });
      else waiter({ environment: this.start(), cold: true });
      return;
    }
    this.busy -= 1;
    if (environment.alive) this.idle.push(environment);
  }

  /** Ends environments idle for longer than `idleMs` (Lambda recycles idle sandboxes too). */
  async reap(idleMs: number): Promise<void> {
    const now = Date.now();
    const stale = this.idle.filter((environment) => now - environment.lastUsed > idleMs);
    for (const environment of stale) {
      this.idle.splice(this.idle.indexOf(environment), 1);
      this.all.delete(environment);
    }
    await Promise.all(stale.map((environment) => environment.terminate()));
  }

  async stop(): Promise<void> {
    const environments = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(environments.map((environment) => environment.terminate()));
  }

  private takeIdle(): ExecutionEnvironment | undefined {
    while (this.idle.length > 0) {
      // Most recently used first: it is the warmest.
      const environment = this.idle.pop();
      if (environment?.alive) return environment;
      if (environment) this.all.delete(environment);
    }
    return undefined;
  }

  private start(): ExecutionEnvironment {
    const environment = this.create();
    this.all.add(environment);
    return environment;
  }
}
