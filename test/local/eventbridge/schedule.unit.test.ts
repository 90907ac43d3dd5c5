import { describe, expect, it } from 'vitest';
import { EventBridgeService } from '../../../local/eventbridge/index.js';
import { parseSchedule } from '../../../local/eventbridge/schedule.js';
import { FakeDispatcher, fnArn, request } from '../../helpers/local-eventbridge.js';

// Issue 16: scheduled rules fire (rate and cron), on a clock tests can speed up.

const T0 = Date.parse('2026-12-07T09:59:30Z'); // a Monday

function scheduled(timeScale: number, realNow?: () => number) {
  const dispatcher = new FakeDispatcher();
  const service = new EventBridgeService(
    {},
    { dispatcher, schedules: { timeScale, ...(realNow ? { realNow } : {}) } },
  );
  const call = (operation: string, body: unknown) => service.handle(operation, body, request);
  return { service, dispatcher, call, bridge: service.bridge };
}

async function rule(call: (o: string, b: unknown) => Promise<unknown>, name: string, expression: string) {
  await call('PutRule', { Name: name, ScheduleExpression: expression });
  await call('PutTargets', { Rule: name, Targets: [{ Id: 't', Arn: fnArn(`on-${name}`) }] });
}

describe('schedule expressions', () => {
  it('computes the next firing of rates and crons, in UTC, AWS dialect', () => {
    const next = (e: string) => new Date(parseSchedule(e).next(T0)).toISOString();
    expect(next('rate(5 minutes)')).toBe('2026-12-07T10:00:00.000Z');
    expect(next('rate(1 day)')).toBe('2026-12-08T00:00:00.000Z');
    expect(next('cron(15 10 ? * MON-FRI *)')).toBe('2026-12-07T10:15:00.000Z');
    expect(next('cron(0 8 ? * SAT *)')).toBe('2026-12-12T08:00:00.000Z');
    expect(next('cron(0/20 * * * ? *)')).toBe('2026-12-07T10:00:00.000Z');
    expect(next('cron(0 0 L * ? *)')).toBe('2026-12-31T00:00:00.000Z');
  });

  it('refuses what EventBridge refuses, as ValidationException on PutRule', async () => {
    const { call, bridge } = scheduled(1);
    for (const bad of [
      'rate(1 minutes)',
      'rate(2 hour)',
      'rate(0 days)',
      'cron(0 12 * * * *)',
      'cron(0 12 * *)',
      'daily',
    ]) {
      await expect(call('PutRule', { Name: 'bad', ScheduleExpression: bad })).rejects.toMatchObject({
        code: 'ValidationException',
      });
    }
    expect(bridge.registry.rulesOf('default').map((r) => r.name)).toEqual([]);
    bridge.close();
  });
});

describe('scheduled rules fire', () => {
  it('on a scaled clock: rate and cron deliver Scheduled Events at their scheduled times, disabled ones do not', async () => {
    let real = T0;
    const { call, dispatcher, bridge } = scheduled(60, () => real);
    await rule(call, 'every-minute', 'rate(1 minute)');
    await rule(call, 'at-ten', 'cron(0 10 ? * MON-FRI *)');
    await rule(call, 'off', 'rate(1 minute)');
    await call('DisableRule', { Name: 'off' });
    bridge.scheduler.tick(); // sees the rules: nothing is fired for the past
    real += 3_000; // three scaled minutes: 10:02:30
    bridge.scheduler.tick();
    await bridge.whenIdle();
    const fired = dispatcher.delivered.map((d) => [d.target.arn, JSON.parse(d.input).time]);
    expect(fired).toEqual([
      [fnArn('on-every-minute'), '2026-12-07T10:00:00Z'],
      [fnArn('on-every-minute'), '2026-12-07T10:01:00Z'],
      [fnArn('on-every-minute'), '2026-12-07T10:02:00Z'],
      [fnArn('on-at-ten'), '2026-12-07T10:00:00Z'],
    ]);
    const event = JSON.parse(dispatcher.delivered[0]!.input);
    expect(event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      resources: [expect.stringMatching(/:rule\/every-minute$/)],
      detail: {},
    });
    bridge.close();
  });

  it('on its own timer, sped up, without anyone ticking it', async () => {
    const { call, dispatcher, bridge } = scheduled(6000);
    await rule(call, 'fast', 'rate(1 minute)');
    const deadline = Date.now() + 20_000;
    while (dispatcher.delivered.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(dispatcher.delivered.length).toBeGreaterThanOrEqual(2);
    bridge.close();
  }, 30_000);
});
