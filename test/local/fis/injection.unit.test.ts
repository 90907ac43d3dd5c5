import { describe, expect, it } from 'vitest';
import { type ActiveFault, FaultInjector, INJECTED_ERROR_TYPE } from '../../../local/fis/injection.js';
import type { LocalFunction } from '../../../local/lambda/functions.js';
import { seeded } from './helpers.js';

const fn = (name: string, aliases: Record<string, string> = {}) =>
  ({ name, aliases: new Map(Object.entries(aliases)), aliasRouting: new Map() }) as unknown as LocalFunction;
const pay = fn('pay', { live: '2' });
const other = fn('other');

function fault(actionId: string, parameters: Record<string, string>, qualifier?: string): ActiveFault {
  return {
    experimentId: 'EXPtest',
    actionName: 'a',
    actionId,
    parameters,
    targets: [{ name: 'pay', arn: 'arn:pay', ...(qualifier ? { qualifier } : {}) }],
    seen: 0,
    injected: 0,
  };
}

const invocation = (target: LocalFunction, version = '$LATEST') =>
  ({ fn: target, version, requestId: 'r', invocationType: 'RequestResponse' }) as const;

describe('the fault injector', () => {
  it('fails about invocationPercentage of the targeted invocations and leaves others alone', async () => {
    const injector = new FaultInjector({ random: seeded(7) });
    const error = fault('aws:lambda:invocation-error', {
      invocationPercentage: '30',
      preventExecution: 'true',
    });
    injector.add(error);
    let failed = 0;
    for (let i = 0; i < 10_000; i++) if ((await injector.interceptor(invocation(pay)))?.answer) failed += 1;
    // 30% of 10,000, sd ~46: 2,800..3,200 is over four standard deviations either way.
    expect(failed).toBeGreaterThan(2_800);
    expect(failed).toBeLessThan(3_200);
    expect(error).toMatchObject({ seen: 10_000, injected: failed });
    for (let i = 0; i < 100; i++) expect(await injector.interceptor(invocation(other))).toBeUndefined();
  });

  it('answers instead of the handler with preventExecution, replaces its outcome without', async () => {
    const injector = new FaultInjector();
    const end = injector.add(fault('aws:lambda:invocation-error', { preventExecution: 'true' }));
    const prevented = await injector.interceptor(invocation(pay));
    expect(prevented?.answer).toEqual({
      ok: false,
      error: { errorType: INJECTED_ERROR_TYPE, errorMessage: expect.stringContaining('EXPtest'), trace: [] },
    });
    end();
    expect(await injector.interceptor(invocation(pay))).toBeUndefined();

    injector.add(fault('aws:lambda:invocation-error', { preventExecution: 'false' }));
    const replaced = await injector.interceptor(invocation(pay));
    expect(replaced?.answer).toBeUndefined();
    expect(replaced?.replace?.({ ok: true, payload: '{}' })).toMatchObject({ ok: false });
  });

  it('waits startupDelayMilliseconds before the handler', async () => {
    const waits: number[] = [];
    const injector = new FaultInjector({ sleep: async (ms) => void waits.push(ms) });
    injector.add(fault('aws:lambda:invocation-add-delay', { startupDelayMilliseconds: '1500' }));
    expect(await injector.interceptor(invocation(pay))).toBeUndefined();
    expect(waits).toEqual([1500]);
  });

  it('waits as an idle wait where the Lambda service offers one, and only for a delay it injects', async () => {
    const waits: number[] = [];
    const injector = new FaultInjector({ sleep: async (ms) => void waits.push(ms) });
    let idle = 0;
    const withIdle = (target: LocalFunction) => ({
      ...invocation(target),
      waitIdle: async <T>(wait: () => Promise<T>) => {
        idle += 1;
        return wait();
      },
    });
    injector.add(fault('aws:lambda:invocation-add-delay', { startupDelayMilliseconds: '1000' }));
    await injector.interceptor(withIdle(pay));
    expect([idle, waits]).toEqual([1, [1000]]);
    // No delay for this function: nothing is idle, so the machine's budget is left as it is.
    await injector.interceptor(withIdle(other));
    expect([idle, waits]).toEqual([1, [1000]]);
  });

  it('gives the HTTP integration response a function URL maps to a status', async () => {
    const injector = new FaultInjector();
    injector.add(
      fault('aws:lambda:invocation-http-integration-response', {
        statusCode: '503',
        contentTypeHeader: 'text/plain',
        preventExecution: 'true',
      }),
    );
    const answer = (await injector.interceptor(invocation(pay)))?.answer;
    expect(answer?.ok && JSON.parse(answer.payload)).toEqual({
      statusCode: 503,
      headers: { 'Content-Type': 'text/plain' },
      body: '',
    });
  });

  it('with a qualifier, touches only the versions it stands for', async () => {
    const injector = new FaultInjector();
    injector.add(fault('aws:lambda:invocation-error', { preventExecution: 'true' }, 'live'));
    expect(await injector.interceptor(invocation(pay, '2'))).toHaveProperty('answer');
    expect(await injector.interceptor(invocation(pay, '$LATEST'))).toBeUndefined();
  });
});
