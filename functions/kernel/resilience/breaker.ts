import { randomUUID } from 'node:crypto';
import { CircuitOpenError } from './errors.js';
import type { BreakerSettings } from './settings.js';
import type { CircuitRecord, CircuitState, CircuitStateStore } from './store.js';
import { RollingWindow } from './window.js';

/**
 * A circuit breaker whose state every execution environment shares through a `CircuitStateStore` (one
 * DynamoDB item per circuit), after the Powertools for AWS Lambda (Python) design: counts are kept in each
 * environment's memory and the item is written only on a transition; the state read is cached for
 * `cacheSeconds`; every write is conditional on the version it replaces, so exactly one environment wins each
 * transition, the half-open probe included; and a state table that cannot be reached makes the breaker fail
 * open (the call goes, a log line and a metric say so). opossum keeps state per process, which in Lambda
 * (one request per environment) sees almost no traffic; hence this hand-written one.
 *
 *   CLOSED --(failureThreshold consecutive failures, or failureRateThreshold of ≥ minimumVolume calls in the
 *            window)--> OPEN --(resetTimeoutSeconds, then one caller wins the probe)--> HALF_OPEN
 *   HALF_OPEN --(successThreshold successful probes, one at a time)--> CLOSED;  --(a failed probe)--> OPEN
 */

export interface CircuitTransition {
  readonly circuit: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly failureCount: number;
  readonly nextAttemptAt?: number | undefined;
}

/** What the breaker reports: a log line and a metric each (see `observability.ts` for the Powertools one). */
export interface BreakerObserver {
  transition(event: CircuitTransition): void;
  /** The state table could not be read or written: the breaker failed open. */
  stateUnavailable(circuit: string, operation: 'read' | 'write', error: unknown): void;
  /** A call refused because the circuit is open. */
  rejected(circuit: string, nextAttemptAt: number): void;
}

export interface CircuitBreakerOptions {
  readonly name: string;
  readonly settings: BreakerSettings;
  readonly store: CircuitStateStore;
  /** Which errors count as the dependency failing. @default every error */
  readonly isFailure?: (error: unknown) => boolean;
  /** @default true; false lets every call through and touches no state */
  readonly enabled?: boolean;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** This environment's name in the probe lease. @default a random UUID */
  readonly instanceId?: string;
  /** How long a probe holds the half-open state: longer than the guarded call's own timeout. @default 30 s */
  readonly probeLeaseMs?: number;
  readonly observer?: BreakerObserver;
}

/** What a caller was let through as: a normal call, or the probe of a half-open circuit. */
type Permit =
  | { readonly kind: 'closed'; readonly version: number }
  | { readonly kind: 'probe'; readonly record: CircuitRecord };

const silent: BreakerObserver = { transition() {}, stateUnavailable() {}, rejected() {} };

export class CircuitBreaker {
  readonly name: string;
  private readonly settings: BreakerSettings;
  private readonly store: CircuitStateStore;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly enabled: boolean;
  private readonly now: () => number;
  private readonly instanceId: string;
  private readonly probeLeaseMs: number;
  private readonly observer: BreakerObserver;
  private readonly window: RollingWindow;
  private consecutiveFailures = 0;
  /** The stored version the local counts belong to: a newer closed state (a reset) starts them again. */
  private countsVersion = 0;
  private cached: { readonly record: CircuitRecord | undefined; readonly until: number } | undefined;

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name;
    this.settings = options.settings;
    this.store = options.store;
    this.isFailure = options.isFailure ?? (() => true);
    this.enabled = options.enabled ?? true;
    this.now = options.now ?? Date.now;
    this.instanceId = options.instanceId ?? randomUUID();
    this.probeLeaseMs = options.probeLeaseMs ?? 30_000;
    this.observer = options.observer ?? silent;
    this.window = new RollingWindow(options.settings.windowSeconds * 1000);
  }

  /**
   * Runs `call` unless the circuit is open. Throws `CircuitOpenError` without calling when it is; otherwise
   * returns (or throws) what `call` does, after counting the outcome.
   */
  async call<T>(call: () => Promise<T>): Promise<T> {
    if (!this.enabled) return call();
    const permit = await this.acquire();
    let result: T;
    try {
      result = await call();
    } catch (error) {
      // A business refusal (a decline) is an answer: the dependency works.
      if (this.isFailure(error)) await this.onFailure(permit);
      else await this.onSuccess(permit);
      throw error;
    }
    await this.onSuccess(permit);
    return result;
  }

  /** The state as this environment sees it (cached), for tests and diagnostics. */
  async state(): Promise<CircuitState> {
    return (await this.read()).record?.state ?? 'CLOSED';
  }

  private async acquire(): Promise<Permit> {
    const { record } = await this.read();
    if (!record || record.state === 'CLOSED') return this.closedPermit(record);
    const now = this.now();
    if (record.state === 'OPEN' && now < (record.nextAttemptAt ?? 0)) {
      return this.reject(record.nextAttemptAt ?? now);
    }
    if (record.state === 'HALF_OPEN' && record.probeOwner && now < (record.probeLeaseUntil ?? 0)) {
      return this.reject(record.probeLeaseUntil ?? now);
    }
    return this.claimProbe(record, now);
  }

  private closedPermit(record: CircuitRecord | undefined): Permit {
    const version = record?.version ?? 0;
    if (version !== this.countsVersion) this.resetCounts(version);
    return { kind: 'closed', version };
  }

  private reject(nextAttemptAt: number): never {
    this.observer.rejected(this.name, nextAttemptAt);
    throw new CircuitOpenError(this.name, nextAttemptAt);
  }

  /** The election: a conditional write from the version this environment saw. One environment wins it. */
  private async claimProbe(record: CircuitRecord, now: number): Promise<Permit> {
    const next: CircuitRecord = {
      ...record,
      state: 'HALF_OPEN',
      version: record.version + 1,
      halfOpenSuccesses: record.state === 'OPEN' ? 0 : record.halfOpenSuccesses,
      probeOwner: this.instanceId,
      probeLeaseUntil: now + this.probeLeaseMs,
      updatedAt: now,
    };
    const won = await this.write(next, record);
    if (won === 'unavailable') return { kind: 'closed', version: this.countsVersion };
    if (won) return { kind: 'probe', record: next };
    // Another environment moved first: see what it did.
    this.cached = undefined;
    const fresh = (await this.read()).record;
    if (!fresh || fresh.state === 'CLOSED') return this.closedPermit(fresh);
    return this.reject(
      fresh.state === 'OPEN'
        ? (fresh.nextAttemptAt ?? now)
        : (fresh.probeLeaseUntil ?? now + this.probeLeaseMs),
    );
  }

  private async onSuccess(permit: Permit): Promise<void> {
    const now = this.now();
    if (permit.kind === 'closed') {
      if (permit.version !== this.countsVersion) return;
      this.consecutiveFailures = 0;
      this.window.record(now, false);
      return;
    }
    const { record } = permit;
    const successes = record.halfOpenSuccesses + 1;
    const closed = successes >= this.settings.successThreshold;
    await this.write(
      {
        name: record.name,
        state: closed ? 'CLOSED' : 'HALF_OPEN',
        version: record.version + 1,
        failureCount: closed ? 0 : record.failureCount,
        ...(closed ? {} : { openedAt: record.openedAt, nextAttemptAt: record.nextAttemptAt }),
        // Below the threshold the probe is released: the next caller, anywhere, claims the next one.
        halfOpenSuccesses: closed ? 0 : successes,
        updatedAt: now,
      },
      record,
    );
  }

  private async onFailure(permit: Permit): Promise<void> {
    const now = this.now();
    if (permit.kind === 'probe') {
      await this.open(permit.record, permit.record.failureCount + 1, now);
      return;
    }
    if (permit.version !== this.countsVersion) return;
    this.consecutiveFailures++;
    this.window.record(now, true);
    const { calls, failures } = this.window.totals(now);
    const byCount = this.consecutiveFailures >= this.settings.failureThreshold;
    const byRate =
      calls >= this.settings.minimumVolume && failures / calls >= this.settings.failureRateThreshold;
    if (!byCount && !byRate) return;
    // The condition needs only the version these counts belong to.
    await this.open(
      closedRecord(this.name, permit.version, now),
      Math.max(this.consecutiveFailures, failures),
      now,
    );
    this.resetCounts(this.countsVersion);
  }

  private async open(from: CircuitRecord, failureCount: number, now: number): Promise<void> {
    await this.write(
      {
        name: this.name,
        state: 'OPEN',
        version: from.version + 1,
        failureCount,
        openedAt: now,
        nextAttemptAt: now + this.settings.resetTimeoutSeconds * 1000,
        halfOpenSuccesses: 0,
        updatedAt: now,
      },
      from,
    );
  }

  /**
   * A conditional write from `from`. Won: the new state is cached and reported. Lost: the cache is dropped
   * (the next call reads what the winner wrote). Unavailable: logged; an OPEN is kept in this environment's
   * cache (it still acts on the failures it saw), anything else is dropped (the breaker fails open).
   */
  private async write(next: CircuitRecord, from: CircuitRecord): Promise<boolean | 'unavailable'> {
    let won: boolean | 'unavailable';
    try {
      won = await this.store.transition(next, from.version);
    } catch (error) {
      this.observer.stateUnavailable(this.name, 'write', error);
      won = 'unavailable';
    }
    if (won === false || (won === 'unavailable' && next.state !== 'OPEN')) {
      this.cached = undefined;
      return won;
    }
    this.cached = { record: next, until: this.now() + this.settings.cacheSeconds * 1000 };
    if (next.state === 'CLOSED') this.resetCounts(next.version);
    if (won === true && next.state !== from.state) {
      this.observer.transition({
        circuit: this.name,
        from: from.state,
        to: next.state,
        failureCount: next.failureCount,
        nextAttemptAt: next.nextAttemptAt,
      });
    }
    return won;
  }

  private async read(): Promise<{ record: CircuitRecord | undefined }> {
    const now = this.now();
    if (this.cached && now < this.cached.until) return { record: this.cached.record };
    let record: CircuitRecord | undefined;
    try {
      record = await this.store.get(this.name);
    } catch (error) {
      // Fail open, and remember the failure for the cache period: no timeout paid on every call.
      this.observer.stateUnavailable(this.name, 'read', error);
      record = undefined;
    }
    this.cached = { record, until: now + this.settings.cacheSeconds * 1000 };
    return { record };
  }

  private resetCounts(version: number): void {
    this.countsVersion = version;
    this.consecutiveFailures = 0;
    this.window.clear();
  }
}

/** A circuit that has no item yet is closed, at version 0. */
function closedRecord(name: string, version: number, now: number): CircuitRecord {
  return { name, state: 'CLOSED', version, failureCount: 0, halfOpenSuccesses: 0, updatedAt: now };
}
