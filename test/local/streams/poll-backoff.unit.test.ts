import { describe, expect, it } from 'vitest';
import { PollBackoff } from '../../../local/streams/poll-backoff.js';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Calls `next()` as a poller would (sleeping what it says) and returns the waits. */
function waits(backoff: PollBackoff, time: ReturnType<typeof clock>, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const wait = backoff.next();
    out.push(wait);
    time.advance(wait);
  }
  return out;
}

describe('PollBackoff', () => {
  it('backs off from the start when nothing has happened yet, doubling up to the maximum', () => {
    const time = clock();
    const backoff = new PollBackoff({ minMs: 50, maxMs: 1_000, holdMs: 1_000, now: time.now });
    expect(waits(backoff, time, 7)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('stays fast for holdMs after activity, then doubles', () => {
    const time = clock();
    const backoff = new PollBackoff({ minMs: 50, maxMs: 400, holdMs: 200, now: time.now });
    backoff.active();
    expect(waits(backoff, time, 8)).toEqual([50, 50, 50, 50, 100, 200, 400, 400]);
  });

  it('snaps back to the fast interval the moment there is work', () => {
    const time = clock();
    const backoff = new PollBackoff({ minMs: 50, maxMs: 2_000, holdMs: 100, now: time.now });
    waits(backoff, time, 10);
    expect(backoff.current).toBe(2_000);
    backoff.active();
    expect(backoff.current).toBe(50);
    expect(backoff.next()).toBe(50);
  });

  it('keeps activity that goes on fast', () => {
    const time = clock();
    const backoff = new PollBackoff({ minMs: 50, maxMs: 2_000, holdMs: 100, now: time.now });
    for (let i = 0; i < 20; i++) {
      backoff.active();
      expect(backoff.next()).toBe(50);
      time.advance(50);
    }
  });

  it('backs off from 1 ms when the fast interval is 0', () => {
    const time = clock();
    const backoff = new PollBackoff({ minMs: 0, maxMs: 8, holdMs: 0, now: time.now });
    expect(waits(backoff, time, 5)).toEqual([1, 2, 4, 8, 8]);
  });
});
