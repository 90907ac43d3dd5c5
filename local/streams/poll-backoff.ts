/**
 * How long a poller waits between two polls: the fast interval while there is work, then, once nothing has
 * happened for `holdMs`, a wait that doubles at each empty poll up to `maxMs`. A quiet stream then costs a
 * poll every `maxMs` instead of twenty a second, and the first sign of work (records read, or a write
 * announced by the endpoint) brings the fast interval back at once.
 */
export interface PollBackoffOptions {
  /** The wait between polls while there is work. */
  readonly minMs: number;
  /** The longest wait between polls of an idle source. */
  readonly maxMs: number;
  /** How long after the last activity polls stay at `minMs` before the wait starts doubling. */
  readonly holdMs: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export class PollBackoff {
  private readonly now: () => number;
  private lastActivity = Number.NEGATIVE_INFINITY;
  private delay: number;

  constructor(private readonly options: PollBackoffOptions) {
    this.now = options.now ?? Date.now;
    this.delay = options.minMs;
  }

  /** Work was seen (records read, a write signalled): back to the fast interval for at least `holdMs`. */
  active(): void {
    this.lastActivity = this.now();
    this.delay = this.options.minMs;
  }

  /** The wait before the next poll: `minMs` within the hold, then doubling at each call up to `maxMs`. */
  next(): number {
    if (this.now() - this.lastActivity < this.options.holdMs) {
      this.delay = this.options.minMs;
    } else {
      this.delay = Math.min(this.options.maxMs, Math.max(this.delay * 2, this.options.minMs, 1));
    }
    return this.delay;
  }

  /** The wait `next()` returned last. */
  get current(): number {
    return this.delay;
  }
}
