/**
 * How many execution environments may initialize at once, across every function. An init is the costly part
 * of a cold start (loading and compiling the bundle and its externals); on a laptop, thirty of them at once
 * share two cores and each takes seconds, so callers time out waiting. Bounding inits to about the number of
 * cores keeps each init as fast as on an idle machine; an invocation that waits for an init slot may meanwhile
 * be served by a warm environment that frees up. Requests for invocations go before background warm-ups.
 */
import { availableParallelism } from 'node:os';

export type InitPriority = 'invocation' | 'warm-up';

interface Waiter {
  readonly grant: (release: () => void) => void;
  /** Asked once the slot is free: false means the request is no longer needed and the slot passes on. */
  readonly stillWanted: () => boolean;
}

export class InitGate {
  private running = 0;
  private readonly queues: Record<InitPriority, Waiter[]> = { invocation: [], 'warm-up': [] };

  /** @param capacity inits at once; @default the machine's available parallelism */
  constructor(readonly capacity: number = Math.max(1, availableParallelism())) {}

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queues.invocation.length + this.queues['warm-up'].length;
  }

  /**
   * Calls `grant` with a release function once a slot is free and `stillWanted()` holds; a request that is no
   * longer wanted when its turn comes is dropped without taking the slot.
   */
  request(priority: InitPriority, stillWanted: () => boolean, grant: (release: () => void) => void): void {
    this.queues[priority].push({ grant, stillWanted });
    this.pump();
  }

  private pump(): void {
    while (this.running < this.capacity) {
      const waiter = this.queues.invocation.shift() ?? this.queues['warm-up'].shift();
      if (!waiter) return;
      if (!waiter.stillWanted()) continue;
      this.running += 1;
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        this.running -= 1;
        this.pump();
      });
    }
  }
}
