/**
 * Watch mode's deployer on the real app: a change that breaks orders' Commands handler goes out as a canary
 * while orders keep coming through GraphQL; the alias's Errors alarm (5 errors in a period,
 * `lib/constructs/live-deployment.ts`) fires on the canary's failures and the alias rolls back. Every order
 * accepted meanwhile ends (its saga ran to CONFIRMED or CANCELLED), and the old version serves 100%.
 *
 * The sources are not edited (other tests hash the source tree): the "new assembly" is a copy of the
 * synthesized one whose orders Commands bundle throws, deployed through the controller's entry point. Its
 * deployment group watches its alarms, as `DEPLOYMENT_STRATEGY=canary` synthesizes it (dev's default is all at
 * once with the alarms ignored), with a custom canary of 50% (an `AWS::CodeDeploy::DeploymentConfig` of the
 * template): this machine, shared by parallel test runs, serves a couple of Commands calls a second, and 10%
 * of them (the predefined canary) does not reach the alarm's 5 errors in a period; a 50% canary does at once.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { codeOf } from '../../local/lambda/functions.js';
import { type DeployReport, WatchController } from '../../local/watch/index.js';
import { awsCli } from '../helpers/aws-cli.js';
import {
  eventually,
  type LocalApp,
  physicalName,
  startLocalApp,
  synthesizeApp,
} from '../helpers/local-app.js';

/** The local CloudWatch period: long enough for the canary's share of calls to reach the alarm's 5 errors. */
const PERIOD_SECONDS = 15;
const CANARY_PERCENT = 50;
/** CodeDeploy's 5-minute canary in 45 s: three alarm periods. */
const TIME_SCALE = 0.15;
const BROKEN = 'deliberately broken by the watch e2e test';
const ORDERS_STACK = 'CommerceForge-dev-Orders';

let app: LocalApp;
let commands: string;
let brokenAssembly: string;

async function gql<T>(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'local-dev-key' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: { message: string }[] };
}

interface GroupProperties {
  DeploymentConfigName?: unknown;
  AlarmConfiguration: { Enabled: boolean };
  AutoRollbackConfiguration: { Events: string[] };
}

/** A copy of the app's assembly whose orders Commands bundle throws, deployed by a canary watching alarms. */
function breakOrdersCommands(source: string): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'commerceforge-watch-e2e-'));
  cpSync(source, copy, { recursive: true });
  const file = path.join(copy, `${ORDERS_STACK}.template.json`);
  const template = JSON.parse(readFileSync(file, 'utf8')) as {
    Resources: Record<
      string,
      { Type?: string; Properties: GroupProperties | object; Metadata?: Record<string, unknown> }
    >;
  };
  const at = (cdkPath: string) => {
    const found = Object.values(template.Resources).find(
      (r) => r.Metadata?.['aws:cdk:path'] === `${ORDERS_STACK}/${cdkPath}/Resource`,
    );
    if (!found) throw new Error(`no ${cdkPath} in the orders template`);
    return found;
  };
  const asset = 'asset.watch-e2e-broken-orders-commands';
  mkdirSync(path.join(copy, asset));
  writeFileSync(
    path.join(copy, asset, 'index.js'),
    `exports.handler = async () => { throw new Error(${JSON.stringify(BROKEN)}); };\n`,
  );
  at('Commands/Function').Metadata!['aws:asset:path'] = asset;
  template.Resources.WatchE2eCanary = {
    Type: 'AWS::CodeDeploy::DeploymentConfig',
    Properties: {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: {
        Type: 'TimeBasedCanary',
        TimeBasedCanary: { CanaryPercentage: CANARY_PERCENT, CanaryInterval: 5 },
      },
    },
  };
  const group = at('Deployments/Commands/Group').Properties as GroupProperties;
  group.DeploymentConfigName = { Ref: 'WatchE2eCanary' };
  group.AlarmConfiguration.Enabled = true;
  group.AutoRollbackConfiguration.Events = [
    'DEPLOYMENT_FAILURE',
    'DEPLOYMENT_STOP_ON_ALARM',
    'DEPLOYMENT_STOP_ON_REQUEST',
  ];
  writeFileSync(file, JSON.stringify(template));
  return copy;
}

beforeAll(async () => {
  // The saga's retry waits at 1/10: orders caught by the canary settle sooner.
  app = await startLocalApp({ cloudWatchPeriodSeconds: PERIOD_SECONDS, timeScale: 0.1 });
  commands = physicalName(app, 'Orders', 'Commands/Function');
  brokenAssembly = breakOrdersCommands(synthesizeApp());
  await eventually(async () => {
    const { data } = await gql<{ products: { sku: string }[] }>('{ products { sku } }');
    const skus = (data?.products ?? []).map((p) => p.sku);
    return seedCatalogue.every((p) => skus.includes(p.sku)) ? true : undefined;
  }, 60_000);
}, 240_000);

afterAll(async () => {
  await app?.stop();
  if (brokenAssembly) rmSync(brokenAssembly, { recursive: true, force: true });
});

describe('watch mode: a broken Commands handler goes out as a canary and its alarm rolls it back', () => {
  it('rolls the live alias back to the old version while every accepted order still ends', async () => {
    const fn = app.lambda.functions.find((f) => f.name === commands)!;
    const oldVersion = fn.aliases.get('live')!;
    const oldAsset = path.basename(codeOf(fn).assetDir);
    const lines: string[] = [];
    const controller = new WatchController(app, {
      timeScale: TIME_SCALE,
      cloudWatch: () => app.plugins.cloudWatch.service,
      log: (line) => lines.push(line),
    });

    // Orders all along: 4 customers placing one after another until told to stop, and 4 clients retrying
    // placements already accepted (the same request: the order is not placed twice), for more Commands calls.
    const skus = seedCatalogue.slice(0, 3).map((p) => p.sku);
    const accepted: string[] = [];
    const acceptedInputs: unknown[] = [];
    let refused = 0;
    let retried = 0;
    let placing = true;
    const place = (input: unknown) =>
      gql<{ placeOrder: { id: string } }>(
        'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        { input },
      );
    const customer = async (c: number) => {
      for (let i = 0; placing; i++) {
        const input = {
          customerId: `watch-e2e-${c}`,
          items: [{ sku: skus[(c + i) % skus.length], quantity: 1 }],
          paymentToken: 'tok_visa',
          shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
          idempotencyKey: `watch-e2e-${c}-${i}`,
        };
        const { data } = await place(input);
        if (data?.placeOrder?.id) {
          accepted.push(data.placeOrder.id);
          acceptedInputs.push(input);
        } else refused += 1;
      }
    };
    const retrier = async () => {
      while (placing) {
        const input = acceptedInputs[Math.floor(Math.random() * acceptedInputs.length)];
        if (input === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
        else {
          await place(input);
          retried += 1;
        }
      }
    };
    const load = Promise.all([
      ...Array.from({ length: 4 }, (_, c) => customer(c)),
      ...Array.from({ length: 4 }, retrier),
    ]);
    await eventually(() => (accepted.length >= 6 ? true : undefined), 60_000);

    let report: DeployReport;
    try {
      report = await controller.deploy(brokenAssembly);
    } finally {
      placing = false;
      await load;
    }
    const rolledBackAt = Date.now();
    // Orders after the rollback: every one is accepted, the old version serving them.
    for (let i = 0; i < 3; i++) {
      const { data, errors } = await place({
        customerId: 'watch-e2e-after',
        items: [{ sku: skus[i], quantity: 1 }],
        paymentToken: 'tok_visa',
        shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        idempotencyKey: `watch-e2e-after-${i}`,
      });
      expect(errors).toBeUndefined();
      accepted.push(data!.placeOrder.id);
    }

    expect(report.restartNeeded).toEqual([]);
    expect(report.deployments.map((d) => d.functionName)).toEqual([commands]);
    const [deployment] = report.deployments;
    const live = deployment!.aliases.live!;
    expect(live.outcome, lines.join('\n')).toBe('rolled-back');
    expect(live.fromVersion).toBe(oldVersion);
    // Rolled back during the canary: the broken version never took more than the canary's share.
    expect(live.percents).toEqual([CANARY_PERCENT]);
    expect(live.reason).toMatch(/alarm \S*Errors\S* is in ALARM/);
    expect(lines.some((line) => line.includes(`${CANARY_PERCENT}% on version`))).toBe(true);
    expect(lines.some((line) => line.includes('ROLLED BACK'))).toBe(true);

    // The canary ran the broken code on some calls; $LATEST is back to the old code, the version stays published.
    const records = app.lambda.invocations(commands).filter((r) => r.qualifier === 'live');
    expect(
      records.some((r) => r.executedVersion === deployment!.version && r.error?.errorMessage === BROKEN),
    ).toBe(true);
    expect(path.basename(codeOf(fn).assetDir)).toBe(oldAsset);
    expect(path.basename(codeOf(fn, deployment!.version).assetDir)).toBe(
      'asset.watch-e2e-broken-orders-commands',
    );

    // The old version serves 100%: the alias as the AWS CLI shows it, and every call since the rollback.
    const alias = await awsCli<{ FunctionVersion: string; RoutingConfig?: unknown }>(app.url, [
      'lambda',
      'get-alias',
      '--function-name',
      commands,
      '--name',
      'live',
    ]);
    expect(alias.FunctionVersion).toBe(oldVersion);
    expect(alias.RoutingConfig).toBeUndefined();
    const since = records.filter((r) => r.startedAt * 1000 >= rolledBackAt);
    expect(since.length).toBeGreaterThanOrEqual(3);
    expect(since.every((r) => r.executedVersion === oldVersion)).toBe(true);

    // Every order accepted before, during and after the canary ends: its saga confirmed or cancelled it.
    expect(accepted.length).toBeGreaterThan(10);
    const statuses = await Promise.all(
      accepted.map((id) =>
        eventually(async () => {
          const { data } = await gql<{ order: { status: string } | null }>(
            'query($id: ID!) { order(id: $id) { status } }',
            { id },
          );
          const status = data?.order?.status;
          return status && status !== 'PENDING' ? status : undefined;
        }, 180_000),
      ),
    );
    expect(statuses.every((s) => ['CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'].includes(s))).toBe(true);
    console.log(
      `watch e2e: ${accepted.length} orders accepted, ${refused} refused, ${retried} retries; ` +
        `${live.percents.join('% → ')}% then rolled back; ` +
        `statuses ${JSON.stringify(countBy(statuses))}`,
    );
  }, 420_000);
});

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
