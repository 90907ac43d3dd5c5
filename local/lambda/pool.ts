/**
 * The execution environments of one function, scheduled as a good local emulator should on a small machine
 * while keeping Lambda's semantics:
 * - Concurrency is Lambda's: a function with reserved concurrency gets that many invocations in flight; the
 *   others share the account's unreserved concurrency (1,000 by default), as in AWS. A synchronous invoke
 *   beyond the limit is throttled; an asynchronous one waits its turn (Lambda's internal queue).
 * - An invocation takes an idle warm environment when there is one. Otherwise it waits, and the pool starts a
 *   new environment only when waiting for a busy one to free up would take longer than an init (estimated from
 *   this function's recent run and init times), or when nothing is running that could free up. Every init
 *   passes the shared {@link InitGate}, so at most about one init per core runs at a time; while an invocation
 *   waits for its init slot, a warm environment that frees up serves it and the init is not started.
 * - Init is kept apart from the invocation's timeout (the timeout runs from the handler's start).
 */
import { AwsError } from '../core/aws-service.js';
import type { ExecutionEnvironment } from './execution-environment.js';
import type { InitGate, InitPriority } from './init-gate.js';

export interface Lease {
  readonly environment: ExecutionEnvironment;
  /** The environment's first invocation: it reports the init (Lambda's `Init Duration`). */
  readonly cold: boolean;
}

export class ThrottledError extends AwsError {
  constructor(functionName: string, reason: string) {
    super('TooManyRequestsException', `Rate Exceeded. ${functionName}: ${reason}`, 429);
  }
}

/** A counting semaphore: a function's reserved concurrency, or the account's unreserved pool. */
export class Concurrency {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly limit: number,
    readonly name: string,
  ) {}

  get inUse(): number {
    return this.used;
  }

  tryTake(): boolean {
    if (this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }

  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  give(): void {
    const waiter = this.waiters.shift();
    // The slot passes straight to the next waiter; `used` stays as it is.
    if (waiter) waiter();
    else this.used -= 1;
  }
}

export interface FunctionPoolOptions {
  readonly functionName: string;
  /** Reserved concurrency, or the account's shared unreserved concurrency. */
  readonly concurrency: Concurrency;
  readonly gate: InitGate;
  readonly create: () => ExecutionEnvironment;
  /**
   * Asked before a new environment starts while this pool already has one: true when the machine has room for
   * another (the cloud's environment budget, freeing an idle environment of some function if it must).
   * @default always room
   */
  readonly makeRoom?: (environments: number) => boolean;
}

/** A moving average that starts from a guess, replaced by the first sample. */
class Estimate {
  private samples = 0;
  constructor(private value: number) {}
  get mean(): number {
    return this.value;
  }
  add(sample: number): void {
    this.value = this.samples === 0 ? sample : this.value * 0.8 + sample * 0.2;
    this.samples += 1;
  }
}

export class FunctionPool {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly waiters: Array<{ resolve: (lease: Lease) => void; counted: boolean }> = [];
  private readonly leasedAt = new Map<ExecutionEnvironment, number>();
  /** Leased environments whose invocation holds a concurrency slot (all but unreserved asynchronous ones). */
  private readonly counted = new Set<ExecutionEnvironment>();
  /** Environments initializing, and init requests waiting for the gate. */
  private starting = 0;
  private requested = 0;
  private recheck?: NodeJS.Timeout;
  private readonly runMs = new Estimate(50);
  private readonly initMs = new Estimate(300);
  private stopped = false;
  /** Leased environments in a wait that uses no CPU (an injected delay), left out of the machine's budget. */
  private sleeping = 0;
  /** Environments started over the pool's life (each one an init). */
  inits = 0;

  constructor(private readonly options: FunctionPoolOptions) {}

  get size(): number {
    return this.all.size;
  }

  get inUse(): number {
    return this.leasedAt.size;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Environments that may use CPU: all but those leased to a wait that uses none ({@link sleepWhile}). */
  get awake(): number {
    return this.all.size - this.sleeping;
  }

  /**
   * Runs `wait`, a part of a leased invocation that uses no CPU (an injected delay, as the FIS extension adds in
   * the environment), with the environment left out of the machine's budget meanwhile: in Lambda every
   * environment has its own CPU, and the budget only stands for this machine's, so a function whose
   * environments sleep may start others for its waiting invocations (its concurrency still holds).
   */
  async sleepWhile<T>(wait: () => Promise<T>): Promise<T> {
    this.sleeping += 1;
    this.considerStarting();
    try {
      return await wait();
    } finally {
      this.sleeping -= 1;
    }
  }

  /**
   * Admits an invocation under the function's concurrency (throttled or queued when full, by `whenFull`)
   * and leases it an environment.
   */
  async acquire(whenFull: 'throttle' | 'wait'): Promise<Lease> {
    const { concurrency, functionName } = this.options;
    // An asynchronous invocation of a function without reserved concurrency waits here only because this
    // machine runs fewer environments than AWS would: it must not hold the account's concurrency meanwhile and
    // get synchronous callers throttled, which AWS would not do. It is not counted against the account.
    const counted = !(whenFull === 'wait' && concurrency.name === 'account');
    if (counted && whenFull === 'wait') await concurrency.take();
    else if (counted && !concurrency.tryTake()) {
      throw new ThrottledError(
        functionName,
        concurrency.name === 'account'
          ? `the account's concurrency (${concurrency.limit}) is in use`
          : `reserved concurrency (${concurrency.limit}) reached`,
      );
    }
    const warm = this.takeIdle();
    if (warm) return this.lease(warm, counted);
    return new Promise<Lease>((resolve) => {
      this.waiters.push({ resolve, counted });
      this.considerStarting();
    });
  }

  release(environment: ExecutionEnvironment): void {
    const since = this.leasedAt.get(environment);
    if (since !== undefined) this.runMs.add(performance.now() - since);
    this.leasedAt.delete(environment);
    if (this.counted.delete(environment)) this.options.concurrency.give();
    this.offer(environment);
  }

  /** Starts the function's first environment in the background (after every waiting invocation's init). */
  warm(): void {
    if (this.all.size > 0 || this.starting + this.requested > 0 || this.stopped) return;
    this.requestInit('warm-up', () => this.all.size === 0 && this.starting === 0 && this.hasRoom());
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
    this.stopped = true;
    clearTimeout(this.recheck);
    const environments = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(environments.map((environment) => environment.terminate()));
  }

  private lease(environment: ExecutionEnvironment, counted: boolean): Lease {
    this.leasedAt.set(environment, performance.now());
    if (counted) this.counted.add(environment);
    return { environment, cold: environment.invocations === 0 };
  }

  /** A free environment (released, or just initialized) goes to the first waiter, else to the idle list. */
  private offer(environment: ExecutionEnvironment): void {
    if (!environment.alive) this.all.delete(environment);
    const waiter = this.waiters.shift();
    if (waiter) {
      if (environment.alive) waiter.resolve(this.lease(environment, waiter.counted));
      else {
        // A dead environment cannot serve: the waiter goes back to the head of the line for another.
        this.waiters.unshift(waiter);
        this.considerStarting();
      }
      return;
    }
    if (environment.alive) this.idle.push(environment);
  }

  /** Waiters not covered by an environment already initializing or asked for. */
  private get uncovered(): number {
    return this.waiters.length - this.starting - this.requested;
  }

  private considerStarting(): void {
    if (this.stopped || this.uncovered <= 0) return;
    const busy = this.leasedAt.size;
    // Waiting for the busy environments to free up: each serves one waiter per run time.
    const expectedWaitMs =
      busy === 0 ? Number.POSITIVE_INFINITY : this.runMs.mean * Math.ceil(this.uncovered / busy);
    if (expectedWaitMs > this.initMs.mean) {
      this.requestInit('invocation', () => this.waiters.length > this.starting && this.hasRoom());
      return;
    }
    // A warm environment should free up sooner than an init would take; if the waiters are still there when
    // an init would have been done, start one after all.
    if (!this.recheck && !this.stopped) {
      this.recheck = setTimeout(() => {
        this.recheck = undefined;
        if (this.uncovered > 0) {
          this.requestInit('invocation', () => this.waiters.length > this.starting && this.hasRoom());
        }
      }, Math.ceil(this.initMs.mean));
    }
  }

  /**
   * A function with no environment may always start one (so no function starves behind a full budget);
   * another environment needs room, else the waiters wait for this function's busy ones and look again later.
   */
  private hasRoom(): boolean {
    if (this.all.size === 0) {
      // Always allowed, but it still frees an idle environment elsewhere when the budget is full: else every
      // function evicted down to none and started again would grow the total past the budget.
      this.options.makeRoom?.(0);
      return true;
    }
    if (this.options.makeRoom?.(this.awake) ?? true) return true;
    this.scheduleRecheck();
    return false;
  }

  private scheduleRecheck(): void {
    if (this.recheck || this.stopped) return;
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      this.considerStarting();
    }, Math.ceil(this.initMs.mean));
  }

  /** When this pool's least recently used idle environment was last used; undefined when none is idle. */
  get oldestIdleUse(): number | undefined {
    return this.idle[0]?.lastUsed;
  }

  /** Ends the least recently used idle environment (to make room for another function's). */
  evictOldestIdle(): boolean {
    const environment = this.idle.shift();
    if (!environment) return false;
    this.all.delete(environment);
    void environment.terminate();
    return true;
  }

  private requestInit(priority: InitPriority, stillWanted: () => boolean): void {
    this.requested += 1;
    let settled = false;
    this.options.gate.request(
      priority,
      () => {
        const wanted = !this.stopped && stillWanted();
        if (!wanted && !settled) {
          settled = true;
          this.requested -= 1;
        }
        return wanted;
      },
      (release) => {
        if (!settled) {
          settled = true;
          this.requested -= 1;
        }
        this.starting += 1;
        this.inits += 1;
        const environment = this.options.create();
        this.all.add(environment);
        environment.ready.then(
          (initMs) => this.initMs.add(initMs),
          () => {},
        );
        void environment.ready
          .catch(() => undefined)
          .finally(() => {
            release();
            this.starting -= 1;
            if (this.stopped) return;
            // A failed init still goes to a waiter: its invocation reports Lambda's init error.
            const waiter = this.waiters.shift();
            if (waiter) waiter.resolve(this.lease(environment, waiter.counted));
            else if (environment.alive) this.idle.push(environment);
            else this.all.delete(environment);
          });
      },
    );
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
}
