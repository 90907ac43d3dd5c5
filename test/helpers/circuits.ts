import type {
  BreakerObserver,
  CircuitRecord,
  CircuitStateStore,
  CircuitTransition,
} from '../../functions/kernel/resilience/index.js';

/**
 * An in-memory circuit state store with DynamoDB's conditional semantics (a write lands only on the version
 * it expects), for the breaker's unit tests; the integration test runs the same logic on DynamoDB Local.
 * `down` makes every call fail as an unreachable table would.
 */
export class MemoryCircuitStore implements CircuitStateStore {
  readonly items = new Map<string, CircuitRecord>();
  down = false;
  writes = 0;
  reads = 0;

  async get(name: string): Promise<CircuitRecord | undefined> {
    this.check();
    this.reads++;
    const item = this.items.get(name);
    return item ? structuredClone(item) : undefined;
  }

  async transition(next: CircuitRecord, expectedVersion: number): Promise<boolean> {
    this.check();
    const current = this.items.get(next.name);
    if ((current?.version ?? 0) !== expectedVersion) return false;
    this.writes++;
    this.items.set(next.name, structuredClone(next));
    return true;
  }

  async list(names: readonly string[]): Promise<CircuitRecord[]> {
    this.check();
    return names.flatMap((n) => (this.items.has(n) ? [structuredClone(this.items.get(n)!)] : []));
  }

  private check(): void {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
  }
}

/** A clock the test moves by hand (epoch milliseconds). */
export class FakeClock {
  constructor(public ms = Date.parse('2026-12-05T00:00:00Z')) {}
  readonly now = () => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** Records what a breaker reported. */
export class RecordingObserver implements BreakerObserver {
  readonly transitions: CircuitTransition[] = [];
  readonly unavailable: string[] = [];
  rejections = 0;

  transition(event: CircuitTransition): void {
    this.transitions.push(event);
  }
  stateUnavailable(_circuit: string, operation: 'read' | 'write'): void {
    this.unavailable.push(operation);
  }
  rejected(): void {
    this.rejections++;
  }
}
