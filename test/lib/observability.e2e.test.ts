/**
 * The observability stack's alarms on the real app on the local cloud, through the AWS CLI: the SLO alarms
 * and the per-rule lost-event alarms are there with a state, a quiet platform raises none of them, and a rule
 * alarm's RuleName (the last part of the rule's ARN) names a rule that really is on the bus.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { COMPENSATION_COMMANDS } from '../../lib/stacks/observability/queries.js';
import { AWS_CLI, awsCli } from '../helpers/aws-cli.js';
import { clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import { eventually, type LocalApp, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;

interface Alarm {
  readonly AlarmName: string;
  readonly StateValue: string;
  readonly AlarmActions: string[];
  readonly Dimensions?: { Name: string; Value: string }[];
}

const aws = <T>(...args: string[]) => awsCli<T>(app.url, args);

const alarms = async (prefix: string) =>
  (await aws<{ MetricAlarms: Alarm[] }>('cloudwatch', 'describe-alarms', '--alarm-name-prefix', prefix))
    .MetricAlarms;

/** Every JSON line the functions printed (Powertools Logger's), as the saved queries read them in AWS. */
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  app = await startLocalApp({
    cloudWatchPeriodSeconds: 1,
    logger: {
      info: () => {},
      warn: () => {},
      output: (_source, line) => {
        if (!line.startsWith('{')) return;
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a structured line
        }
      },
    },
  });
  // A first synth bundles every function: minutes on a busy 2-core machine.
}, 600_000);

afterAll(async () => {
  await app?.stop();
});

describe.skipIf(!existsSync(AWS_CLI))('observability alarms on the local cloud', () => {
  it('lists the SLO alarms, routed to the alarm topic, and none fires on a quiet platform', async () => {
    const slo = await alarms('commerceforge-dev-slo-');
    expect(slo.map((a) => a.AlarmName).sort()).toEqual(
      [
        'commerceforge-dev-slo-CircuitOpen-carrier-Critical',
        'commerceforge-dev-slo-CircuitOpen-payment-provider-Critical',
        'commerceforge-dev-slo-LambdaThrottles-Critical',
        'commerceforge-dev-slo-PlaceOrderP99-Critical',
        'commerceforge-dev-slo-SagaSuccessRate-Critical',
      ].sort(),
    );
    for (const alarm of slo) expect(alarm.AlarmActions[0]).toMatch(/^arn:aws:sns:us-east-1:\d{12}:/);
    // Plain-metric alarms are evaluated: no breaker opened and no throttle is missing data, not breaching.
    // (The saga rate is metric math and placeOrder a percentile: where the local cloud does not evaluate
    // those they stay INSUFFICIENT_DATA; on a quiet platform none may be in ALARM either way.)
    const plain = slo.filter((a) => /CircuitOpen|Throttles/.test(a.AlarmName)).map((a) => a.AlarmName);
    await expect
      .poll(
        async () =>
          (await alarms('commerceforge-dev-slo-'))
            .filter((a) => plain.includes(a.AlarmName))
            .map((a) => a.StateValue),
        { timeout: 60_000, interval: 1_000 },
      )
      .toEqual(plain.map(() => 'OK'));
    expect((await alarms('commerceforge-dev-slo-')).filter((a) => a.StateValue === 'ALARM')).toEqual([]);
  });

  it('watches every rule of a service for lost events by the rule’s real name', async () => {
    const rules = await aws<{ Rules: { Name: string }[] }>(
      'events',
      'list-rules',
      '--event-bus-name',
      'commerceforge-dev',
    );
    const lost = (await alarms('CommerceForge-dev-Orders-')).filter((a) =>
      a.AlarmName.endsWith('-Lost-Critical'),
    );
    expect(lost.length).toBeGreaterThanOrEqual(3);
    const names = new Set(rules.Rules.map((r) => r.Name));
    for (const alarm of lost) {
      const ruleName = alarm.Dimensions?.find((d) => d.Name === 'RuleName')?.Value;
      expect(names.has(ruleName ?? ''), `${alarm.AlarmName}: ${ruleName}`).toBe(true);
    }
  });

  it('finds in the functions’ real lines the fields the saved queries read: one declined order’s story', async () => {
    const clients = clientsFor(app);
    const correlationId = randomUUID();
    const sku = seedCatalogue[0]!.sku;
    const customerId = `cust-observability-${correlationId}`;
    // The catalogue is seeded at start-up: an unknown price is refused until it reaches orders.
    const placed = await eventually(async () => {
      const out = await invoke(app, clients.lambda, 'Orders', 'Commands', {
        command: {
          type: 'PlaceOrder',
          data: {
            customerId,
            items: [{ sku, quantity: 1 }],
            paymentToken: 'tok_decline',
            shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
            idempotencyKey: `observability-${correlationId}`,
          },
        },
        actor: { type: 'user', id: customerId },
        correlationId,
      });
      return out.ok ? out : undefined;
    }, 90_000);
    succeeded(placed);
    const story = () => lines.filter((l) => l.correlation_id === correlationId);
    // A decline compensates: the saga releases the stock and cancels the order.
    await eventually(() => story().find((l) => l.eventType === 'SagaCompensated'), 90_000);
    const services = new Set(story().map((l) => l.service));
    for (const service of ['orders', 'inventory', 'payments', 'saga']) expect(services).toContain(service);
    expect(story().every((l) => typeof l.function_name === 'string' && typeof l.level === 'string')).toBe(
      true,
    );
    const compensations = story().filter((l) =>
      (COMPENSATION_COMMANDS as readonly unknown[]).includes(l.command),
    );
    expect(compensations.map((l) => l.command)).toEqual(
      expect.arrayContaining(['ReleaseStock', 'CancelOrder']),
    );
  });
});
