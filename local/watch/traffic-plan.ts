/**
 * How CodeDeploy would shift a function's alias, read from a template: an `AWS::Lambda::Alias` whose
 * `UpdatePolicy.CodeDeployLambdaAliasUpdate` names a deployment group, the group's `DeploymentConfigName` (a
 * predefined `CodeDeployDefault.Lambda…` configuration or an `AWS::CodeDeploy::DeploymentConfig` of the
 * template with its `TrafficRoutingConfig`), its `AlarmConfiguration` and the pre-traffic hook. Pure: no clock,
 * no cloud; the deployer (controller.ts) scales the minutes and runs the steps.
 */
import type { CfnTemplate } from '../assembly/template.js';
import { WatchError } from './errors.js';

/** One traffic shift: the new version's share, held for `holdMinutes` before the next step. */
export interface TrafficStep {
  readonly percent: number;
  readonly holdMinutes: number;
}

export interface TrafficPlan {
  /** The configuration's name (`CodeDeployDefault.LambdaCanary10Percent5Minutes`) or its logical id. */
  readonly config: string;
  readonly kind: 'canary' | 'linear' | 'all-at-once';
  /** The last step is always 100% held 0 minutes. */
  readonly steps: readonly TrafficStep[];
  /** `AlarmConfiguration.Enabled`: an alarm in ALARM stops the deployment and rolls the alias back. */
  readonly watchAlarms: boolean;
  /** The group's alarms, by the logical id of the template's `AWS::CloudWatch::Alarm` (or a literal name). */
  readonly alarms: readonly { readonly logicalId?: string; readonly name?: string }[];
  /** `BeforeAllowTrafficHook` as the template writes it (an intrinsic to resolve), when there is one. */
  readonly beforeAllowTrafficHook?: unknown;
}

/** A `live`-style alias of a function that a deployment group shifts. */
export interface AliasDeployment {
  readonly aliasLogicalId: string;
  readonly aliasName: string;
  readonly groupLogicalId: string;
  readonly plan: TrafficPlan;
}

interface Routing {
  readonly kind: TrafficPlan['kind'];
  readonly percent: number;
  readonly intervalMinutes: number;
}

const CANARY = /^CodeDeployDefault\.LambdaCanary(\d+)Percent(\d+)Minutes?$/;
const LINEAR = /^CodeDeployDefault\.LambdaLinear(\d+)PercentEvery(\d+)Minutes?$/;
const ALL_AT_ONCE = 'CodeDeployDefault.LambdaAllAtOnce';

/** The aliases of `functionLogicalId` that CodeDeploy deploys, each with its plan. */
export function aliasDeployments(template: CfnTemplate, functionLogicalId: string): AliasDeployment[] {
  const resources = template.Resources ?? {};
  const found: AliasDeployment[] = [];
  for (const [aliasLogicalId, alias] of Object.entries(resources)) {
    if (alias.Type !== 'AWS::Lambda::Alias') continue;
    if (refOf(alias.Properties?.FunctionName) !== functionLogicalId) continue;
    const policy = (alias as { UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: Record<string, unknown> } })
      .UpdatePolicy?.CodeDeployLambdaAliasUpdate;
    const groupLogicalId = refOf(policy?.DeploymentGroupName);
    const group = groupLogicalId ? resources[groupLogicalId] : undefined;
    if (!policy || !groupLogicalId || group?.Type !== 'AWS::CodeDeploy::DeploymentGroup') continue;
    const props = group.Properties ?? {};
    const routing = routingOf(props.DeploymentConfigName, template);
    const alarmConfiguration = props.AlarmConfiguration as
      | { Enabled?: unknown; Alarms?: { Name?: unknown }[] }
      | undefined;
    found.push({
      aliasLogicalId,
      aliasName: String(alias.Properties?.Name ?? aliasLogicalId),
      groupLogicalId,
      plan: {
        config: typeof props.DeploymentConfigName === 'string' ? props.DeploymentConfigName : routing.name,
        kind: routing.kind,
        steps: trafficSteps(routing),
        watchAlarms: alarmConfiguration?.Enabled === true || alarmConfiguration?.Enabled === 'true',
        alarms: (alarmConfiguration?.Alarms ?? []).map(({ Name }) => {
          const logicalId = refOf(Name);
          if (logicalId) return { logicalId };
          return typeof Name === 'string' ? { name: Name } : {};
        }),
        ...(policy.BeforeAllowTrafficHook !== undefined
          ? { beforeAllowTrafficHook: policy.BeforeAllowTrafficHook }
          : {}),
      },
    });
  }
  return found;
}

/** A deployment configuration, predefined or the template's own; CodeDeploy's default is all at once. */
export function routingOf(configName: unknown, template: CfnTemplate): Routing & { name: string } {
  if (configName === undefined)
    return { name: ALL_AT_ONCE, kind: 'all-at-once', percent: 100, intervalMinutes: 0 };
  if (typeof configName === 'string') {
    if (configName === ALL_AT_ONCE)
      return { name: configName, kind: 'all-at-once', percent: 100, intervalMinutes: 0 };
    const canary = CANARY.exec(configName);
    if (canary)
      return {
        name: configName,
        kind: 'canary',
        percent: Number(canary[1]),
        intervalMinutes: Number(canary[2]),
      };
    const linear = LINEAR.exec(configName);
    if (linear)
      return {
        name: configName,
        kind: 'linear',
        percent: Number(linear[1]),
        intervalMinutes: Number(linear[2]),
      };
    throw new WatchError(
      'DEPLOYMENT_CONFIG_UNKNOWN',
      `unknown Lambda deployment configuration ${configName}`,
    );
  }
  const logicalId = refOf(configName);
  const config = logicalId ? template.Resources?.[logicalId] : undefined;
  if (!logicalId || config?.Type !== 'AWS::CodeDeploy::DeploymentConfig') {
    throw new WatchError(
      'DEPLOYMENT_CONFIG_UNKNOWN',
      `DeploymentConfigName ${JSON.stringify(configName)} is neither a name nor a deployment configuration of the template`,
    );
  }
  const traffic = config.Properties?.TrafficRoutingConfig as
    | {
        Type?: string;
        TimeBasedCanary?: { CanaryPercentage?: unknown; CanaryInterval?: unknown };
        TimeBasedLinear?: { LinearPercentage?: unknown; LinearInterval?: unknown };
      }
    | undefined;
  switch (traffic?.Type ?? 'AllAtOnce') {
    case 'AllAtOnce':
      return { name: logicalId, kind: 'all-at-once', percent: 100, intervalMinutes: 0 };
    case 'TimeBasedCanary':
      return {
        name: logicalId,
        kind: 'canary',
        percent: Number(traffic?.TimeBasedCanary?.CanaryPercentage),
        intervalMinutes: Number(traffic?.TimeBasedCanary?.CanaryInterval),
      };
    case 'TimeBasedLinear':
      return {
        name: logicalId,
        kind: 'linear',
        percent: Number(traffic?.TimeBasedLinear?.LinearPercentage),
        intervalMinutes: Number(traffic?.TimeBasedLinear?.LinearInterval),
      };
    default:
      throw new WatchError(
        'DEPLOYMENT_CONFIG_UNKNOWN',
        `unknown traffic routing type ${traffic?.Type} in ${logicalId}`,
      );
  }
}

/**
 * The shifts CodeDeploy makes: a canary's share then the rest; linear steps of the same size (the last one
 * capped at 100%); all at once in one step.
 */
export function trafficSteps(routing: Routing): TrafficStep[] {
  const { percent, intervalMinutes } = routing;
  if (routing.kind === 'all-at-once') return [{ percent: 100, holdMinutes: 0 }];
  if (!(percent > 0 && percent < 100) || !(intervalMinutes > 0)) {
    throw new WatchError(
      'DEPLOYMENT_CONFIG_UNKNOWN',
      `a ${routing.kind} of ${percent}% every ${intervalMinutes} min is not a valid configuration`,
    );
  }
  if (routing.kind === 'canary')
    return [
      { percent, holdMinutes: intervalMinutes },
      { percent: 100, holdMinutes: 0 },
    ];
  const steps: TrafficStep[] = [];
  for (let share = percent; share < 100; share += percent)
    steps.push({ percent: share, holdMinutes: intervalMinutes });
  steps.push({ percent: 100, holdMinutes: 0 });
  return steps;
}

function refOf(value: unknown): string | undefined {
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' ? ref : undefined;
}
