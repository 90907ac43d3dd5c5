import { describe, expect, it } from 'vitest';
import type { ExecutionEnvironment } from '../../../local/lambda/execution-environment.js';
import { InitGate } from '../../../local/lambda/init-gate.js';
import { Concurrency, FunctionPool, ThrottledError } from '../../../local/lambda/pool.js';

/** An environment whose init ends when the test says so. */
function fakeEnvironment() {
  let finishInit: (ms: number) => void = () => {};
  let failInit: (error: unknown) => void = () => {};
  const ready = new Promise<number>((resolve, reject) => {
    finishInit = resolve;
    failInit = reject;
  });
  ready.catch(() => {});
  const environment = {
    alive: true,
    ready,
    invocations: 0,
    lastUsed: Date.now(),
    terminated: false,
    async terminate() {
      this.alive = false;
      this.terminated = true;
    },
  };
  return { environment, finishInit, failInit };
}

type Fake = ReturnType<typeof fakeEnvironment>;

function poolWith(
  options: { limit?: number; gate?: InitGate; makeRoom?: (environments: number) => boolean } = {},
) {
  const created: Fake[] = [];
  const pool = new FunctionPool({
    functionName: 'fn',
    concurrency: new Concurrency(options.limit ?? 1000, options.limit ? 'reserved' : 'account'),
    gate: options.gate ?? new InitGate(2),
    ...(options.makeRoom ? { makeRoom: options.makeRoom } : {}),
    create: () => {
      const fake = fakeEnvironment();
      created.push(fake);
      return fake.environment as unknown as ExecutionEnvironment;
    },
  });
  return { pool, created };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FunctionPool', () => {
  it('starts an environment for the first invocation and reuses it warm', async () => {
    const { pool, created } = poolWith();
    const first = pool.acquire('throttle');
    await tick();
    expect(created).toHaveLength(1);
    created[0]?.finishInit(120);
    const lease = await first;
    expect(lease.cold).toBe(true);
    (lease.environment as unknown as { invocations: number }).invocations = 1;
    pool.release(lease.environment);
    const again = await pool.acquire('throttle');
    expect(again.environment).toBe(lease.environment);
    expect(again.cold).toBe(false);
    expect(pool.inits).toBe(1);
  });

  it('throttles a synchronous invoke beyond reserved concurrency and queues an asynchronous one', async () => {
    const { pool, created } = poolWith({ limit: 1 });
    const first = pool.acquire('throttle');
    await tick();
    created[0]?.finishInit(10);
    const lease = await first;
    await expect(pool.acquire('throttle')).rejects.toBeInstanceOf(ThrottledError);
    let queuedServed = false;
    const queued = pool.acquire('wait').then((l) => {
      queuedServed = true;
      return l;
    });
    await tick();
    expect(queuedServed).toBe(false);
    pool.release(lease.environment);
    expect((await queued).environment).toBe(lease.environment);
  });

  it('lets a waiter take a busy environment that frees up rather than start a new one when runs are short', async () => {
    const { pool, created } = poolWith();
    const first = pool.acquire('throttle');
    await tick();
    created[0]?.finishInit(300);
    const lease = await first;
    // Runs of a few ms against an init of 300 ms: waiting is cheaper.
    for (let i = 0; i < 5; i++) {
      pool.release(lease.environment);
      await pool.acquire('throttle');
    }
    const second = pool.acquire('throttle');
    await tick();
    expect(created).toHaveLength(1);
    pool.release(lease.environment);
    expect((await second).environment).toBe(lease.environment);
    expect(created).toHaveLength(1);
  });

  it('starts another environment when nothing frees up within an init time', async () => {
    const { pool, created } = poolWith();
    const first = pool.acquire('throttle');
    await tick();
    created[0]?.finishInit(5);
    const held = await first;
    for (let i = 0; i < 5; i++) {
      pool.release(held.environment);
      await pool.acquire('throttle');
    }
    const second = pool.acquire('throttle');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(created).toHaveLength(2);
    created[1]?.finishInit(5);
    expect((await second).environment).not.toBe(held.environment);
  });

  it('initializes at most the gate capacity at once, across functions', async () => {
    const gate = new InitGate(2);
    const a = poolWith({ gate });
    const b = poolWith({ gate });
    const leases = [a.pool.acquire('throttle'), b.pool.acquire('throttle'), b.pool.acquire('throttle')];
    void leases;
    await tick();
    expect(a.created.length + b.created.length).toBe(2);
    expect(gate.active).toBe(2);
    a.created[0]?.finishInit(50);
    await tick();
    await tick();
    expect(gate.active).toBe(2);
    expect(a.created.length + b.created.length).toBe(3);
  });

  it('gives a failed init to the waiting invocation, which reports it, and starts afresh next time', async () => {
    const { pool, created } = poolWith();
    const first = pool.acquire('throttle');
    await tick();
    created[0]?.failInit({ errorType: 'Runtime.ImportModuleError' });
    created[0]?.environment.terminate();
    const lease = await first;
    await expect(lease.environment.ready).rejects.toMatchObject({ errorType: 'Runtime.ImportModuleError' });
    pool.release(lease.environment);
    const next = pool.acquire('throttle');
    await tick();
    expect(created).toHaveLength(2);
    created[1]?.finishInit(5);
    expect((await next).environment).toBe(created[1]?.environment);
  });

  it('needs room from the budget for a second environment, and evicts the least recently used idle one', async () => {
    let room = false;
    const { pool, created } = poolWith({ makeRoom: () => room });
    const first = pool.acquire('throttle');
    await tick();
    created[0]?.finishInit(1);
    const held = await first;
    const second = pool.acquire('throttle');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(created).toHaveLength(1);
    room = true;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(created).toHaveLength(2);
    created[1]?.finishInit(1);
    await second;
    pool.release(held.environment);
    expect(pool.oldestIdleUse).toBeDefined();
    expect(pool.evictOldestIdle()).toBe(true);
    expect(created[0]?.environment.terminated).toBe(true);
    expect(pool.size).toBe(1);
  });

  it('leaves an environment sleeping in an injected delay out of the budget: a waiter gets another one', async () => {
    // Room for one environment (the function's share on a busy machine), counted as the pool reports it.
    const asked: number[] = [];
    const { pool, created } = poolWith({
      makeRoom: (environments) => {
        asked.push(environments);
        return environments < 1;
      },
    });
    const first = pool.acquire('throttle');
    await tick();
    created[0]?.finishInit(1);
    const held = await first;
    // Without a sleep, a second invocation finds no room and waits for the first.
    const waiting = pool.acquire('throttle');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(created).toHaveLength(1);
    let wake: () => void = () => {};
    const sleep = pool.sleepWhile(() => new Promise<void>((resolve) => (wake = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(created).toHaveLength(2);
    // Two environments, the sleeping one not counted.
    expect([pool.size, pool.awake]).toEqual([2, 1]);
    created[1]?.finishInit(1);
    expect((await waiting).environment).toBe(created[1]?.environment);
    wake();
    await sleep;
    expect(pool.awake).toBe(2);
    pool.release(held.environment);
  });

  it('warms a first environment in the background, once', async () => {
    const { pool, created } = poolWith();
    pool.warm();
    pool.warm();
    await tick();
    expect(created).toHaveLength(1);
    created[0]?.finishInit(5);
    await tick();
    await tick();
    const lease = await pool.acquire('throttle');
    expect(lease.environment).toBe(created[0]?.environment);
    expect(created).toHaveLength(1);
  });

  it('starts a first environment even on a full budget, but still frees one elsewhere for it', async () => {
    const asked: number[] = [];
    const { pool, created } = poolWith({
      makeRoom: (environments) => {
        asked.push(environments);
        return false;
      },
    });
    const first = pool.acquire('throttle');
    await tick();
    expect(created).toHaveLength(1);
    expect(asked).toEqual([0]);
    created[0]?.finishInit(1);
    await first;
  });

  it("does not count an asynchronous invocation waiting for an environment against the account's concurrency", async () => {
    const account = new Concurrency(1, 'account');
    const created: Fake[] = [];
    const pool = new FunctionPool({
      functionName: 'fn',
      concurrency: account,
      gate: new InitGate(2),
      create: () => {
        const fake = fakeEnvironment();
        created.push(fake);
        return fake.environment as unknown as ExecutionEnvironment;
      },
    });
    const queued = pool.acquire('wait');
    await tick();
    expect(account.inUse).toBe(0);
    // A synchronous caller still gets the account's one slot.
    const sync = pool.acquire('throttle');
    await tick();
    expect(account.inUse).toBe(1);
    for (const fake of created) fake.finishInit(1);
    const [a, b] = await Promise.all([queued, sync]);
    pool.release(a.environment);
    pool.release(b.environment);
    expect(account.inUse).toBe(0);
  });
});
