/**
 * Deploys a new cloud assembly onto a running local cloud as `cdk deploy` with CodeDeploy would: each function
 * whose code changed gets the new bundle as a new version (`$LATEST` updated, then published), and each alias
 * a CodeDeploy deployment group shifts moves to it by the group's configuration, time scaled, watched by the
 * group's alarms (alias-shift.ts); other aliases move at once, as CloudFormation moves them. What a new version
 * cannot carry (a table, a rule, a state machine definition, a function's configuration) is listed: only a
 * restart applies it. Deployments run one at a time, in the order asked.
 */
import path from 'node:path';
import { readCloudAssembly } from '../assembly/cloud-assembly.js';
import type { LocalCloud } from '../cloud.js';
import type { CloudWatchService } from '../cloudwatch/index.js';
import { codeOf } from '../lambda/functions.js';
import { publishVersion, updateAlias, updateFunctionCode } from '../lambda/versions.js';
import { type ShiftResult, shiftAlias, type WatchedAlarm } from './alias-shift.js';
import { type CodeChange, changesNeedingRestart, codeChanges, type RestartReason } from './assembly-diff.js';
import { WatchError } from './errors.js';
import { type AliasDeployment, aliasDeployments } from './traffic-plan.js';

/** Real time × this = local time. */
export const TIME_SCALE_ENV = 'LOCAL_DEPLOY_TIME_SCALE';
/** A 5-minute canary takes 15 s locally; a 10-step linear deployment 30 s. */
export const DEFAULT_TIME_SCALE = 0.05;

export interface WatchControllerOptions {
  /** @default LOCAL_DEPLOY_TIME_SCALE, else 0.05 */
  readonly timeScale?: number;
  /** The CloudWatch whose alarms deployments watch. @default - no alarms are watched */
  readonly cloudWatch?: () => CloudWatchService | undefined;
  /** @default the cloud's logger */
  readonly log?: (line: string) => void;
  /** How often a holding step looks at the alarms. @default 200 */
  readonly pollMs?: number;
}

export interface FunctionDeployment {
  readonly functionName: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly version: string;
  /** Per alias a deployment group shifts. */
  readonly aliases: Readonly<Record<string, ShiftResult & { readonly fromVersion: string }>>;
}

export interface DeployReport {
  readonly assemblyDir: string;
  readonly deployments: readonly FunctionDeployment[];
  readonly restartNeeded: readonly RestartReason[];
}

export class WatchController {
  private readonly timeScale: number;
  private readonly log: (line: string) => void;
  private readonly aborter = new AbortController();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cloud: LocalCloud,
    private readonly options: WatchControllerOptions = {},
  ) {
    this.timeScale = options.timeScale ?? timeScaleFromEnv();
    this.log = options.log ?? ((line) => cloud.logger.info(line));
  }

  /** Deploys the assembly in `assemblyDir` after any deployment in progress. */
  deploy(assemblyDir: string): Promise<DeployReport> {
    const run = this.queue.then(() => this.deployNow(assemblyDir));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the holds of deployments in progress (their aliases stay as they are). */
  stop(): void {
    this.aborter.abort();
  }

  private async deployNow(assemblyDir: string): Promise<DeployReport> {
    const stacks = readCloudAssembly(assemblyDir);
    const restartNeeded = changesNeedingRestart(this.cloud.model.stacks, stacks);
    for (const reason of restartNeeded) {
      this.log(
        `  ! ${reason.stackName}/${reason.logicalId} (${reason.type}) ${reason.change}: not hot-swapped, restart \`npm start\` to apply it`,
      );
    }
    const changes = codeChanges(this.cloud.lambda.functions, stacks);
    if (changes.length === 0) this.log('  no function code changed');
    const deployments = await Promise.all(changes.map((change) => this.deployFunction(change)));
    return { assemblyDir, deployments, restartNeeded };
  }

  private async deployFunction(change: CodeChange): Promise<FunctionDeployment> {
    const { fn, code, stack } = change;
    // Read first: a configuration the deployer does not know leaves the function as it was.
    const deployed = aliasDeployments(stack.template, fn.logicalId).filter((d) =>
      fn.aliases.has(d.aliasName),
    );
    const previous = codeOf(fn);
    updateFunctionCode(fn, code);
    const version = publishVersion(fn, { Description: `watch: ${path.basename(code.assetDir)}` });
    this.log(`  ${fn.name} (${stack.stackName}/${fn.logicalId}): new code → version ${version}`);
    const shifted = new Set(deployed.map((d) => d.aliasName));
    for (const alias of fn.aliases.keys()) {
      if (shifted.has(alias)) continue;
      // No deployment group: CloudFormation points the alias at the new version in one move.
      updateAlias(fn, alias, { FunctionVersion: version, RoutingConfig: null });
      this.log(`  → ${fn.name}:${alias}: version ${version} (no deployment group: all at once)`);
    }
    const results = await Promise.all(deployed.map((d) => this.shift(change, d, version)));
    const aliases = Object.fromEntries(results);
    if (Object.values(aliases).some((result) => result.outcome === 'rolled-back')) {
      // CloudFormation rolls the function's code back with the failed deployment.
      updateFunctionCode(fn, previous);
    }
    return { functionName: fn.name, stackName: stack.stackName, logicalId: fn.logicalId, version, aliases };
  }

  private async shift(
    change: CodeChange,
    deployment: AliasDeployment,
    version: string,
  ): Promise<[string, ShiftResult & { fromVersion: string }]> {
    const { fn } = change;
    const { plan, aliasName } = deployment;
    const fromVersion = fn.aliases.get(aliasName)!;
    const alarms = this.alarmsOf(change, deployment);
    this.log(
      `  ${fn.name}:${aliasName}: ${plan.config} (${plan.kind}), ` +
        (plan.watchAlarms
          ? `watching ${alarms.map((a) => a.name).join(', ') || 'no alarm'}`
          : 'alarms not watched (the group ignores them)') +
        `, time × ${this.timeScale}`,
    );
    if (plan.beforeAllowTrafficHook !== undefined) {
      // The hook's target version is written into its environment at deploy time, and it reports to
      // CodeDeploy's API, which the local cloud does not serve: running it would test the old version.
      this.log(
        `  ${fn.name}:${aliasName}: pre-traffic hook not run locally (the alarms judge the new version)`,
      );
    }
    const periods = alarms.map((alarm) => alarm.periodMs).filter((ms) => ms > 0);
    const result = await shiftAlias({
      fn,
      alias: aliasName,
      fromVersion,
      toVersion: version,
      plan,
      alarms,
      scaleMs: (minutes) => minutes * 60_000 * this.timeScale,
      // An alarm judges the last shift's traffic at most one period later.
      bakeMs: periods.length ? Math.max(...periods) : 0,
      pollMs: this.options.pollMs ?? 200,
      log: this.log,
      signal: this.aborter.signal,
    });
    return [aliasName, { ...result, fromVersion }];
  }

  /** The group's alarms in the running local CloudWatch, by the running template's names. */
  private alarmsOf(change: CodeChange, deployment: AliasDeployment): (WatchedAlarm & { periodMs: number })[] {
    const service = this.options.cloudWatch?.();
    const { model } = this.cloud;
    const watched: (WatchedAlarm & { periodMs: number })[] = [];
    for (const alarm of deployment.plan.alarms) {
      let name = alarm.name;
      if (!name && alarm.logicalId) {
        const resource = model
          .resources('AWS::CloudWatch::Alarm')
          .find((r) => r.stackName === change.stack.stackName && r.logicalId === alarm.logicalId);
        name = resource ? model.identity(resource).name : undefined;
      }
      const local = name ? service?.alarms.get(name) : undefined;
      if (!name || !local || !service) {
        this.log(`  ! alarm ${name ?? alarm.logicalId} is not running locally: not watched`);
        continue;
      }
      watched.push({
        name,
        periodMs: service.periodMs(local.definition),
        state: () => {
          const status = service.alarms.get(name)?.status;
          return status ? { value: status.state, reason: status.reason } : undefined;
        },
      });
    }
    return watched;
  }
}

function timeScaleFromEnv(): number {
  const raw = process.env[TIME_SCALE_ENV];
  if (raw === undefined || raw === '') return DEFAULT_TIME_SCALE;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new WatchError('WATCH_SETTING_INVALID', `${TIME_SCALE_ENV} must be a positive number, not ${raw}`);
  }
  return scale;
}
