/**
 * `npm start`: synthesizes the CDK app when cdk.out is missing or stale, runs it on this machine and
 * prints the endpoints. Options: `PORT` (default 4566), `--persist DIR` (keep DynamoDB data),
 * `--app DIR` or `LOCAL_CLOUD_ASSEMBLY` (run another cloud assembly; no synth then), `--watch` (re-synthesize
 * on source changes and deploy the changed functions as new versions, traffic shifted by each deployment
 * group's strategy: local/watch/).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { commerceForgePlugins } from '../local-app/plugins.js';
import { type LocalCloud, startLocalCloud } from './cloud.js';
import { LocalCloudError } from './core/errors.js';
import { PROJECT_ROOT } from './lambda/runtime-env.js';
import { assemblyIsStale, synthesize } from './synth.js';
import { startWatch, WATCH_ALARM_PERIOD_SECONDS, type Watch } from './watch/index.js';

export { type LocalCloud, type LocalCloudOptions, startLocalCloud } from './cloud.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      persist: { type: 'string' },
      app: { type: 'string' },
      port: { type: 'string' },
      watch: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const started = Date.now();
  const given = values.app ?? process.env.LOCAL_CLOUD_ASSEMBLY;
  const assemblyDir = path.resolve(given ?? path.join(PROJECT_ROOT, 'cdk.out'));
  const port = Number(values.port ?? process.env.PORT ?? 4566);

  console.log('CommerceForge local cloud: starting');
  if (!given && assemblyIsStale(PROJECT_ROOT, assemblyDir)) {
    console.log('  synth: cdk.out is missing or older than the sources: running cdk synth');
    synthesize(PROJECT_ROOT, assemblyDir);
  }

  let cloud: LocalCloud | undefined;
  let watch: Watch | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local cloud`);
    // A worker or process that will not stop must not keep the terminal: exit anyway after 5 s.
    setTimeout(() => process.exit(1), 5_000).unref();
    watch?.close();
    await cloud?.stop();
    process.exit(0);
  };
  // A dev server keeps serving after a stray rejection in one request's work; it says so loudly.
  process.on('unhandledRejection', (reason) => console.warn('local cloud: unhandled rejection:', reason));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // A scaled canary lasts seconds: watch mode evaluates the alarms more often than once a minute.
  // The generic plugins and CommerceForge's own (seed, warehouse agent): local-app/plugins.ts.
  const plugins = commerceForgePlugins(
    values.watch && !process.env.LOCAL_CLOUDWATCH_PERIOD_SECONDS
      ? { cloudWatchPeriodSeconds: WATCH_ALARM_PERIOD_SECONDS }
      : {},
  );
  cloud = await startLocalCloud({
    assemblyDir,
    port,
    plugins,
    ...(values.persist ? { persistDir: values.persist } : {}),
  });
  const shown = `http://localhost:${cloud.port}`;
  console.log('');
  console.log(
    `  endpoint   ${shown}   (AWS SDKs: AWS_ENDPOINT_URL=${shown}; AWS CLI: --endpoint-url ${shown})`,
  );
  console.log(`  console    ${shown}/console   (service map, live events, sagas, traces, DLQs, experiments)`);
  console.log(`  health     ${shown}/health`);
  console.log(`  traces     ${shown}/_local/traces`);
  console.log(`  services   ${cloud.router.targetPrefixes.join(', ')}, Lambda (REST)`);
  if (values.watch) {
    watch = startWatch({
      cloud,
      projectRoot: PROJECT_ROOT,
      cloudWatch: () => plugins.cloudWatch.service,
    });
  }
  console.log('');
  console.log(
    `CommerceForge local cloud ready on ${shown} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

// Importing this module (for `startLocalCloud`) must not start a cloud.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    if (error instanceof LocalCloudError) console.error(`local cloud: ${error.code}: ${error.message}`);
    else console.error(error);
    process.exit(1);
  });
}
