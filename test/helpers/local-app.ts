/**
 * The real CommerceForge app on the local cloud, for end-to-end tests: synthesized once into a temp folder
 * named after a hash of the sources (bin/, lib/, functions/, statemachines/), so every e2e file and rerun
 * shares one synth, then started on a free port with the plugins `npm start` runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { consoleLogger, type LocalLogger, quietLogger } from '../../local/core/log.js';
import { type CommerceForgePlugins, commerceForgePlugins } from '../../local-app/plugins.js';
import { hashOf, synthesizeOnce } from './synth-once.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['bin', 'lib', 'functions', 'statemachines', 'cdk.json', 'package-lock.json'].map((source) =>
  path.join(ROOT, source),
);
// Taken as this module loads, right after the app's modules (imported above): what is synthesized is what was
// imported, even if the sources change while the tests run.
const IMPORTED_SOURCES_HASH = hashOf(SOURCES);

/** Synthesizes the app (stage dev, default configuration) unless this exact source tree already was. */
export function synthesizeApp(): string {
  return synthesizeOnce({
    name: 'app',
    sources: SOURCES,
    hash: IMPORTED_SOURCES_HASH,
    synth: (outdir) => {
      // What `cdk synth` gives the app: cdk.json's context, plus the metadata the CLI asks for (the local
      // cloud finds each function's bundle by its asset path).
      const { context } = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
        context: object;
      };
      const app = new App({
        outdir,
        context: { ...context, 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true },
      });
      buildApp(loadConfig({ STAGE: 'dev' }), app).synth();
    },
  });
}

/** The running app, with handles on the plugins (e.g. `plugins.eventBridge.service.bridge.events`). */
export type LocalApp = LocalCloud & { readonly plugins: CommerceForgePlugins };

export async function startLocalApp(
  options: {
    timeScale?: number;
    /** The local CloudWatch's period for every alarm, in seconds (a short one makes alarms fire in a test). */
    cloudWatchPeriodSeconds?: number;
    /** Where the cloud's lines and the functions' output go (e.g. a test collecting the logs). */
    logger?: LocalLogger;
  } = {},
): Promise<LocalApp> {
  const assemblyDir = synthesizeApp();
  const plugins = commerceForgePlugins({
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
    ...(options.cloudWatchPeriodSeconds === undefined
      ? {}
      : { cloudWatchPeriodSeconds: options.cloudWatchPeriodSeconds }),
  });
  const cloud = await startLocalCloud({
    assemblyDir,
    port: 0,
    // LOCAL_CLOUD_VERBOSE=1 shows the functions' output (logs, REPORT lines) while a test runs.
    logger: options.logger ?? (process.env.LOCAL_CLOUD_VERBOSE ? consoleLogger : quietLogger),
    plugins,
  });
  return Object.assign(cloud, { plugins });
}

/**
 * Turns off the rules of one stack (e.g. 'Sagas') on the platform bus, for a test about one service alone:
 * an OrderPlaced it makes up would otherwise start a real fulfillment saga that drives the same order.
 */
export async function disableRulesOf(app: LocalApp, stack: string): Promise<number> {
  const bus = app.plugins.eventBridge.service!;
  const context = { region: app.region, accountId: app.accountId };
  const busName = 'commerceforge-dev';
  const { Rules = [] } = (await bus.handle(
    'ListRules',
    { EventBusName: busName, NamePrefix: `CommerceForge-dev-${stack}` },
    context,
  )) as { Rules?: { Name: string }[] };
  for (const rule of Rules)
    await bus.handle('DisableRule', { Name: rule.Name, EventBusName: busName }, context);
  return Rules.length;
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The physical name of a resource of the app by its construct path below the stack, e.g.
 * `physicalName(cloud, 'Users', 'Commands/Function')` for the users service's command function.
 */
export function physicalName(cloud: LocalCloud, service: string, constructPath: string): string {
  const path = `CommerceForge-dev-${service}/${constructPath}/Resource`;
  const resource = cloud.model.resources().find((r) => r.definition.Metadata?.['aws:cdk:path'] === path);
  if (!resource) throw new Error(`no resource at ${path}`);
  return cloud.model.identity(resource).name;
}

/** SDK credentials that act as `roleArn` on the local cloud (each role has its own access key id). */
export function credentialsOfRole(cloud: LocalCloud, roleArn: string) {
  return { accessKeyId: cloud.iam.accessKeyIdOf(roleArn), secretAccessKey: 'local' };
}

/**
 * Credentials of the role that may publish `commerceforge.<service>`, as the bus policy names it (the service's
 * outbox relay; the saga's state machine): for a test that puts a service's events on the bus as it would.
 */
export function publisherCredentials(cloud: LocalCloud, service: string) {
  for (const resource of cloud.model.resources('AWS::Events::EventBusPolicy')) {
    const { Statement } = cloud.model.properties(resource) as {
      Statement?: { Condition?: Record<string, Record<string, unknown>> };
    };
    const condition = Statement?.Condition;
    if (condition?.StringEquals?.['events:source'] !== `commerceforge.${service}`) continue;
    const [roleArn] = [condition.ArnNotEquals?.['aws:PrincipalArn']].flat();
    if (typeof roleArn === 'string') return credentialsOfRole(cloud, roleArn);
  }
  throw new Error(`the bus policy names no publisher of commerceforge.${service}`);
}

/** Credentials of `<Service>/<constructPath>`'s execution role: what the function's own AWS calls act as. */
export function functionCredentials(cloud: LocalCloud, service: string, constructPath: string) {
  const name = physicalName(cloud, service, `${constructPath}/Function`);
  const fn = cloud.model
    .resources('AWS::Lambda::Function')
    .find((resource) => cloud.model.identity(resource).name === name);
  const roleArn = fn && cloud.model.properties(fn).Role;
  if (typeof roleArn !== 'string') throw new Error(`${name} has no execution role`);
  return credentialsOfRole(cloud, roleArn);
}

/**
 * EventBridge clients that put a service's events on the bus as its publisher role (`publisherCredentials`), one
 * per service: `publisherBus(app)('orders').send(new PutEventsCommand(...))`. Destroy them with `destroy()`.
 */
export function publisherBus(cloud: LocalCloud) {
  const clients = new Map<string, EventBridgeClient>();
  const clientOf = (service: string) => {
    let client = clients.get(service);
    if (!client) {
      client = new EventBridgeClient({
        endpoint: cloud.url,
        region: cloud.region,
        credentials: publisherCredentials(cloud, service),
      });
      clients.set(service, client);
    }
    return client;
  };
  return Object.assign(clientOf, {
    destroy: () => {
      for (const client of clients.values()) client.destroy();
    },
  });
}
