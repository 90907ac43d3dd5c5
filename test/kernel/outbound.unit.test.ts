/**
 * The outbound call's deadline holds through a garbage collection: a dependency that never answers is a
 * timeout, even when a GC runs while the caller waits (CI once saw the provider adapter's timeout test hang
 * for 120 s: its fake listened on a Request's copy of the signal, which a GC collects; the deadline itself held).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { OutboundUnavailableError, postJson } from '../../functions/kernel/outbound.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A dependency that never answers: the returned promise settles only when the request's signal aborts. */
const stalled = (async (_input: URL, init: RequestInit) => {
  const signal = init.signal!;
  return new Promise<Response>((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason)),
  );
}) as typeof fetch;

describe('an outbound call deadline', () => {
  it('times out a stalled dependency even when a garbage collection runs while it waits', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const call = postJson({
        baseUrl: 'http://127.0.0.1:9/',
        path: '/v1/charges',
        body: { n: attempt },
        timeoutMs: 60,
        fetch: stalled,
      }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
      const outcome = await Promise.race([
        call,
        new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2_000)),
      ]);
      expect(outcome).toBeInstanceOf(OutboundUnavailableError);
      expect(outcome).toMatchObject({ reason: 'timeout' });
    }
  });
});
