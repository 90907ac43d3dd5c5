import type { LocalRule, Registry } from './registry.js';

/**
 * Fires scheduled rules (`rate(...)`, `cron(...)`, default bus, ENABLED) on a clock that can run faster than
 * real time: with `timeScale` 60 a minute passes in a second, so a test sees `rate(1 minute)` fire every
 * second and a cron on the minute it names (events carry the scheduled time). The first firing is the first
 * scheduled time after the runner saw the rule: nothing is fired for the past.
 */
export interface ScheduleRunnerOptions {
  /** Scheduled seconds per real second. @default 1 */
  readonly timeScale?: number;
  /** @default Date.now */
  readonly realNow?: () => number;
}

/** Past this many late firings of one rule in one tick (a clock far ahead), the rest are skipped. */
const MAX_CATCH_UP = 10;

export class ScheduleRunner {
  private readonly scale: number;
  private readonly realNow: () => number;
  private readonly realStart: number;
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly fire: (rule: LocalRule, atMs: number) => void,
    options: ScheduleRunnerOptions = {},
  ) {
    this.scale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
    this.realNow = options.realNow ?? Date.now;
    this.realStart = this.realNow();
  }

  /** The schedule clock: real time since start, scaled. */
  now(): number {
    return this.realStart + (this.realNow() - this.realStart) * this.scale;
  }

  start(): void {
    // Fine enough that a scaled minute is not missed, coarse enough to cost nothing at scale 1.
    const every = Math.min(1000, Math.max(20, Math.floor(60_000 / this.scale / 4)));
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Fires what is due now; returns how many firings. */
  tick(): number {
    const now = this.now();
    let fired = 0;
    const seen = new Set<string>();
    for (const rule of this.registry.rulesOf('default')) {
      if (!rule.schedule) continue;
      const key = `${rule.arn} ${rule.schedule.expression}`;
      seen.add(key);
      if (rule.state === 'DISABLED') {
        this.due.delete(key);
        continue;
      }
      let at = this.due.get(key) ?? rule.schedule.next(now);
      for (let n = 0; at <= now; n++) {
        if (n >= MAX_CATCH_UP) {
          at = rule.schedule.next(now);
          break;
        }
        this.fire(rule, at);
        fired++;
        at = rule.schedule.next(at);
      }
      this.due.set(key, at);
    }
    for (const key of this.due.keys()) if (!seen.has(key)) this.due.delete(key);
    return fired;
  }
}
