import { describe, expect, it } from 'vitest';
import {
  type BreakerSettings,
  CircuitBreaker,
  CircuitOpenError,
  DEFAULT_BREAKER_SETTINGS,
} from '../../../functions/kernel/resilience/index.js';
import { FakeClock, MemoryCircuitStore, RecordingObserver } from '../../helpers/circuits.js';

class Outage extends Error {
  override name = 'Outage';
}
class Declined extends Error {
  override name = 'Declined';
}

/** One execution environment's breaker over a shared store and clock. */
function environment(
  shared: { store: MemoryCircuitStore; clock: FakeClock },
  id: string,
  settings: Partial<BreakerSettings> = {},
) {
  const observer = new RecordingObserver();
  const breaker = new CircuitBreaker({
    name: 'payment-provider',
    settings: { ...DEFAULT_BREAKER_SETTINGS, ...settings },
    store: shared.store,
    now: shared.clock.now,
    instanceId: id,
    probeLeaseMs: 10_000,
    isFailure: (e) => !(e instanceof Declined),
    observer,
  });
  let calls = 0;
  const ok = () =>
    breaker.call(async () => {
      calls++;
      return 'ok';
    });
  const fail = (error: Error = new Outage('down')) =>
    breaker
      .call(async () => {
        calls++;
        throw error;
      })
      .catch((e: unknown) => e);
  return { breaker, observer, ok, fail, calls: () => calls };
}

function given(settings: Partial<BreakerSettings> = {}) {
  const shared = { store: new MemoryCircuitStore(), clock: new FakeClock() };
  return { ...shared, a: environment(shared, 'env-a', settings), b: environment(shared, 'env-b', settings) };
}

async function times(n: number, f: () => Promise<unknown>) {
  for (let i = 0; i < n; i++) await f();
}

describe('circuit breaker: CLOSED', () => {
  it('given a closed circuit, when calls succeed, then they run and nothing is written', async () => {
    const { a, store } = given();
    await times(20, a.ok);
    expect(a.calls()).toBe(20);
    expect(store.writes).toBe(0);
    expect(await a.breaker.state()).toBe('CLOSED');
  });

  it('given 4 consecutive failures, when the 5th fails, then the circuit opens: one write, one transition', async () => {
    const { a, store, clock } = given();
    await times(4, a.fail);
    expect(store.writes).toBe(0);
    await a.fail();
    expect(store.writes).toBe(1);
    expect(store.items.get('payment-provider')).toMatchObject({
      state: 'OPEN',
      failureCount: 5,
      openedAt: clock.ms,
      nextAttemptAt: clock.ms + 60_000,
    });
    expect(a.observer.transitions).toEqual([
      {
        circuit: 'payment-provider',
        from: 'CLOSED',
        to: 'OPEN',
        failureCount: 5,
        nextAttemptAt: clock.ms + 60_000,
      },
    ]);
  });

  it('given failures broken by a success, when they never reach 5 in a row nor the rate at volume, then it stays closed', async () => {
    const { a } = given();
    await times(4, a.fail);
    await a.ok();
    await times(4, a.fail); // 9 calls: under the minimum volume of 10
    expect(await a.breaker.state()).toBe('CLOSED');
  });

  it('given alternating outcomes, when 10 calls in the window are half failures, then the rate opens it', async () => {
    const { a, store } = given();
    await times(4, async () => {
      await a.ok();
      await a.fail();
    });
    await a.ok();
    expect(await a.breaker.state()).toBe('CLOSED'); // 9 calls, 4 failures
    await a.fail(); // 10 calls, 5 failures = 0.5
    expect(store.items.get('payment-provider')?.state).toBe('OPEN');
    expect(a.observer.transitions[0]?.failureCount).toBe(5);
  });

  it('given a high rate under the minimum volume, then it stays closed', async () => {
    const { a } = given({ minimumVolume: 20 });
    await times(9, async () => {
      await a.fail();
      await a.ok();
    });
    expect(await a.breaker.state()).toBe('CLOSED'); // 18 calls, rate 0.5, volume 20 not reached
  });

  it('given failures older than the window, then they no longer count toward the rate', async () => {
    const { a, clock } = given({ windowSeconds: 60 });
    await times(4, async () => {
      await a.fail();
      await a.ok();
    });
    clock.advance(61);
    await times(3, async () => {
      await a.fail();
      await a.ok();
    }); // 6 calls in the window: under the volume
    expect(await a.breaker.state()).toBe('CLOSED');
  });

  it('given business refusals, when the classifier says they are answers, then they never open the circuit', async () => {
    const { a } = given();
    await times(20, () => a.fail(new Declined('card declined')));
    expect(await a.breaker.state()).toBe('CLOSED');
    expect(a.calls()).toBe(20);
  });
});

describe('circuit breaker: OPEN', () => {
  it('given an open circuit, when called before the timeout, then CircuitOpenError and no call', async () => {
    const { a, clock } = given();
    await times(5, a.fail);
    const before = a.calls();
    const error = await a.fail();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({
      code: 'CIRCUIT_OPEN',
      circuit: 'payment-provider',
      nextAttemptAt: clock.ms + 60_000,
    });
    expect(a.calls()).toBe(before);
    expect(a.observer.rejections).toBe(1);
  });

  it('given another environment opened it, when this one reads after its cache expires, then it refuses too', async () => {
    const { a, b, clock } = given();
    await b.ok(); // b caches CLOSED for 5 s
    await times(5, a.fail);
    await b.ok(); // still cached: the call goes
    expect(b.calls()).toBe(2);
    clock.advance(5);
    expect(await b.fail()).toBeInstanceOf(CircuitOpenError);
    expect(b.calls()).toBe(2);
  });
});

describe('circuit breaker: HALF_OPEN', () => {
  async function opened() {
    const g = given();
    await times(5, g.a.fail);
    g.clock.advance(60);
    return g;
  }

  it('given the timeout passed, when two environments call, then exactly one probes and the other is refused', async () => {
    const { a, b, store } = await opened();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const probe = a.breaker.call(async () => {
      await released;
      return 'probed';
    });
    await new Promise((r) => setTimeout(r, 0)); // the probe has been elected and is running
    expect(store.items.get('payment-provider')).toMatchObject({ state: 'HALF_OPEN', probeOwner: 'env-a' });
    expect(await b.fail()).toBeInstanceOf(CircuitOpenError);
    expect(b.calls()).toBe(0);
    release();
    expect(await probe).toBe('probed');
  });

  it('given success threshold 2, when two probes succeed one after the other, then it closes', async () => {
    const { a, b, store } = await opened();
    await a.ok();
    expect(store.items.get('payment-provider')).toMatchObject({ state: 'HALF_OPEN', halfOpenSuccesses: 1 });
    expect(store.items.get('payment-provider')?.probeOwner).toBeUndefined();
    await a.ok();
    expect(store.items.get('payment-provider')).toMatchObject({ state: 'CLOSED', failureCount: 0 });
    expect(a.observer.transitions.map((t) => t.to)).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
    // The old failures are forgotten: four new ones do not reopen it.
    await times(4, a.fail);
    expect(store.items.get('payment-provider')?.state).toBe('CLOSED');
    expect(b.calls()).toBe(0);
  });

  it('given a probe that fails, then the circuit opens again for a new timeout', async () => {
    const { a, store, clock } = await opened();
    await a.fail();
    expect(store.items.get('payment-provider')).toMatchObject({
      state: 'OPEN',
      failureCount: 6,
      nextAttemptAt: clock.ms + 60_000,
    });
    expect(await a.fail()).toBeInstanceOf(CircuitOpenError);
  });

  it('given a probe whose environment died, when its lease ends, then another environment probes', async () => {
    const { a, b, store, clock } = await opened();
    void a.breaker.call(() => new Promise(() => {})); // never settles
    await new Promise((r) => setTimeout(r, 0));
    expect(await b.fail()).toBeInstanceOf(CircuitOpenError);
    clock.advance(10);
    await b.ok();
    expect(b.calls()).toBe(1);
    expect(store.items.get('payment-provider')).toMatchObject({ state: 'HALF_OPEN', halfOpenSuccesses: 1 });
  });
});

describe('circuit breaker: the state table unreachable', () => {
  it('given the table is down, when called, then the call goes (fail open) and it is reported once per cache period', async () => {
    const { a, store, clock } = given();
    store.down = true;
    await times(3, a.ok);
    expect(a.calls()).toBe(3);
    expect(a.observer.unavailable).toEqual(['read']);
    clock.advance(5);
    await a.ok();
    expect(a.observer.unavailable).toEqual(['read', 'read']);
  });

  it('given the table is down, when failures cross the threshold, then this environment still stops calling for the cache period', async () => {
    const { a, store, clock } = given();
    store.down = true;
    await times(5, a.fail);
    expect(a.observer.unavailable).toContain('write');
    expect(await a.fail()).toBeInstanceOf(CircuitOpenError);
    clock.advance(5);
    await a.ok(); // the table is still down: fail open
    expect(a.calls()).toBe(6);
  });
});

describe('circuit breaker: disabled', () => {
  it('given enabled false, then every call goes and no state is read', async () => {
    const store = new MemoryCircuitStore();
    const breaker = new CircuitBreaker({
      name: 'carrier',
      settings: DEFAULT_BREAKER_SETTINGS,
      store,
      enabled: false,
    });
    for (let i = 0; i < 10; i++) await breaker.call(() => Promise.reject(new Outage('x'))).catch(() => {});
    expect(await breaker.call(async () => 'ok')).toBe('ok');
    expect(store.reads + store.writes).toBe(0);
  });
});
