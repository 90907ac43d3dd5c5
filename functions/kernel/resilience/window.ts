/**
 * Calls and failures over the last `windowMs`, in one-second buckets: memory stays bounded by the window's
 * length in seconds, whatever the call rate.
 */
export class RollingWindow {
  private readonly buckets = new Map<number, { calls: number; failures: number }>();

  constructor(private readonly windowMs: number) {}

  record(now: number, failed: boolean): void {
    const second = Math.floor(now / 1000);
    const bucket = this.buckets.get(second) ?? { calls: 0, failures: 0 };
    bucket.calls++;
    if (failed) bucket.failures++;
    this.buckets.set(second, bucket);
    this.prune(now);
  }

  totals(now: number): { calls: number; failures: number } {
    this.prune(now);
    let calls = 0;
    let failures = 0;
    for (const bucket of this.buckets.values()) {
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return { calls, failures };
  }

  clear(): void {
    this.buckets.clear();
  }

  private prune(now: number): void {
    // A bucket counts while any part of its second lies inside the window.
    const oldest = Math.floor((now - this.windowMs) / 1000);
    for (const second of this.buckets.keys()) if (second <= oldest) this.buckets.delete(second);
  }
}
