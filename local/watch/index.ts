/**
 * `npm start -- --watch`: when the app's sources change, `cdk synth` runs into a fresh folder (the cloud keeps
 * serving meanwhile) and the new assembly is deployed onto the running cloud (controller.ts): new versions for
 * the functions whose code changed, traffic shifted by each deployment group's configuration, rolled back by
 * its alarms; what needs a restart is said.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalCloud } from '../cloud.js';
import type { CloudWatchService } from '../cloudwatch/index.js';
import { codeOf } from '../lambda/functions.js';
import { WatchController } from './controller.js';
import { type SourceTrigger, watchSources } from './trigger.js';

export { type ShiftResult, shiftAlias } from './alias-shift.js';
export { changesNeedingRestart, codeChanges, type RestartReason } from './assembly-diff.js';
export {
  DEFAULT_TIME_SCALE,
  type DeployReport,
  type FunctionDeployment,
  TIME_SCALE_ENV,
  WatchController,
  type WatchControllerOptions,
} from './controller.js';
export { WatchError, type WatchErrorCode } from './errors.js';
export { type AliasDeployment, aliasDeployments, type TrafficPlan, trafficSteps } from './traffic-plan.js';
export { ignored, type SourceTrigger, WATCHED_FOLDERS, watchSources } from './trigger.js';

/**
 * The local CloudWatch period watch mode gives the alarms unless LOCAL_CLOUDWATCH_PERIOD_SECONDS says
 * otherwise: a scaled canary lasts seconds, and an alarm evaluated once a minute would never judge it.
 */
export const WATCH_ALARM_PERIOD_SECONDS = 10;

/** What deploys a synthesized assembly onto the cloud: a `WatchController`, or a test's stand-in. */
export type AssemblyDeployer = Pick<WatchController, 'deploy' | 'stop'>;

export interface WatchOptions {
  readonly cloud: LocalCloud;
  readonly projectRoot: string;
  readonly cloudWatch?: () => CloudWatchService | undefined;
  /** @default LOCAL_DEPLOY_TIME_SCALE, else DEFAULT_TIME_SCALE */
  readonly timeScale?: number;
  readonly log?: (line: string) => void;
  /** Writes the app's cloud assembly into `outdir`, a fresh folder. @default `cdk synth` in `projectRoot` */
  readonly synthesize?: (outdir: string) => Promise<void>;
  /** @default a `WatchController` on `cloud` (`cloudWatch` and `timeScale` are its options) */
  readonly deployer?: AssemblyDeployer;
  /** Quiet time after the last save before a synth. @default the trigger's (300 ms) */
  readonly debounceMs?: number;
}

export interface Watch {
  readonly controller: AssemblyDeployer;
  readonly trigger: SourceTrigger;
  close(): void;
}

export function startWatch(options: WatchOptions): Watch {
  const log = options.log ?? ((line: string) => options.cloud.logger.info(line));
  const controller =
    options.deployer ??
    new WatchController(options.cloud, {
      log,
      ...(options.cloudWatch ? { cloudWatch: options.cloudWatch } : {}),
      ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    });
  const synthesize = options.synthesize ?? ((outdir: string) => synthesizeAsync(options.projectRoot, outdir));
  const synthesized: string[] = [];
  const trigger = watchSources({
    root: options.projectRoot,
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    onError: (error) => log(`watch: ${error instanceof Error ? error.message : String(error)}`),
    onChange: async (files) => {
      const shown =
        files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
      log(`\nwatch: ${shown} changed: cdk synth`);
      const started = Date.now();
      const outdir = mkdtempSync(path.join(tmpdir(), 'commerceforge-watch-'));
      synthesized.push(outdir);
      try {
        await synthesize(outdir);
      } catch (error) {
        log(`watch: ${error instanceof Error ? error.message : String(error)}; nothing deployed`);
        return;
      } finally {
        forgetUnused(options.cloud, synthesized);
      }
      log(`watch: synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s; deploying`);
      const report = await controller.deploy(outdir);
      forgetUnused(options.cloud, synthesized);
      const rolledBack = report.deployments.filter((d) =>
        Object.values(d.aliases).some((a) => a.outcome === 'rolled-back'),
      );
      log(
        `watch: done: ${report.deployments.length} function(s) deployed` +
          (rolledBack.length ? `, ${rolledBack.length} rolled back` : '') +
          (report.restartNeeded.length ? `; ${report.restartNeeded.length} change(s) need a restart` : ''),
      );
    },
  });
  log(`  watch: ${trigger.folders.map((f) => `${f}/`).join(' ')}: a change re-synthesizes and deploys`);
  return {
    controller,
    trigger,
    close() {
      trigger.close();
      controller.stop();
      for (const dir of synthesized.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes the synthesized folders no version of any function runs code from any more. */
function forgetUnused(cloud: LocalCloud, synthesized: string[]): void {
  const used = new Set<string>();
  for (const fn of cloud.lambda.functions) {
    for (const version of ['$LATEST', ...fn.versions]) used.add(path.dirname(codeOf(fn, version).assetDir));
  }
  const latest = synthesized.at(-1);
  for (const dir of [...synthesized]) {
    if (dir === latest || used.has(dir)) continue;
    rmSync(dir, { recursive: true, force: true });
    synthesized.splice(synthesized.indexOf(dir), 1);
  }
}

/**
 * `cdk synth` into `outdir`, as local/synth.ts runs it at start-up, but without blocking: the cloud keeps
 * answering while the app synthesizes.
 */
function synthesizeAsync(projectRoot: string, outdir: string): Promise<void> {
  const cdk = path.join(projectRoot, 'node_modules', '.bin', 'cdk');
  const local = existsSync(cdk);
  const args = [...(local ? [] : ['cdk']), 'synth', '--quiet', '--output', outdir];
  return new Promise((resolve, reject) => {
    const child = spawn(local ? cdk : 'npx', args, {
      cwd: projectRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`cdk synth failed (exit ${code ?? signal}): fix the app and save again`)),
    );
  });
}
