/**
 * Joins AWS FIS to the local cloud: the assembly's experiment templates served by FIS's API, experiments run
 * as local fault injection into the targeted functions' invocations (an invocation interceptor of the local
 * Lambda), stop conditions checked every second against the local CloudWatch alarms, and the experiment log
 * written to the template's CloudWatch Logs log group through the local Logs.
 */
import type { LocalCloud } from '../cloud.js';
import type { CloudWatchService } from '../cloudwatch/service.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import type { LogsService } from '../logs/service.js';
import { registerFisApi } from './api.js';
import { Experiments, type LocalExperiment } from './experiments.js';
import { FaultInjector } from './injection.js';
import { type ExperimentLogRecord, logGroupNameOf } from './log.js';
import type { TargetableFunction } from './targets.js';
import { type LocalTemplate, templatesFromModel } from './templates.js';

export const FIS_TYPES = ['AWS::FIS::ExperimentTemplate'];

export interface FisPluginOptions {
  /** Multiplies every action's duration (a game day in a test). @default 1 */
  readonly timeScale?: number;
  /** The local CloudWatch, whose alarms are the stop conditions. */
  readonly cloudWatch?: () => CloudWatchService | undefined;
  /** The local CloudWatch Logs, where experiment logs go. */
  readonly logs?: () => LogsService | undefined;
  /** Draws for selection modes and invocation percentages. @default Math.random */
  readonly random?: () => number;
  /** How often stop conditions are checked. @default 1000 */
  readonly stopConditionIntervalMs?: number;
}

export interface FisService {
  /** Templates by id (`EXT…`), with what FIS would object to in each. */
  readonly templates: ReadonlyMap<string, LocalTemplate>;
  readonly experiments: Experiments;
  readonly injector: FaultInjector;
  /** The template tagged `Name` = name (the catalogue's ids). */
  templateNamed(name: string): LocalTemplate | undefined;
  /** The experiment's log records, oldest first. */
  logRecords(experimentId: string): readonly ExperimentLogRecord[];
}

export interface FisPlugin extends LocalCloudPlugin {
  readonly service: FisService | undefined;
}

export function fisPlugin(options: FisPluginOptions = {}): FisPlugin {
  let service: FisService | undefined;
  let timer: NodeJS.Timeout | undefined;
  let leave: (() => void) | undefined;
  return {
    name: 'fis',
    resourceTypes: FIS_TYPES,
    get service() {
      return service;
    },
    start(cloud: LocalCloud) {
      const templates = new Map(templatesFromModel(cloud.model).map((t) => [t.template.id, t]));
      for (const { template, problems } of templates.values()) {
        if (problems.length)
          cloud.logger.warn(`  fis: template ${template.id} cannot start locally: ${problems.join('; ')}`);
      }
      const functions = targetableFunctions(cloud);
      const injector = new FaultInjector(options.random ? { random: options.random } : {});
      const records = new Map<string, ExperimentLogRecord[]>();
      const writeLog = (experiment: LocalExperiment, record: ExperimentLogRecord) => {
        records.set(experiment.id, [...(records.get(experiment.id) ?? []), record]);
        if (record.log_type === 'experiment-start' || record.log_type === 'experiment-end')
          cloud.logger.info(
            `  fis: experiment ${experiment.id} (${experiment.template.tags.Name ?? experiment.template.id}) ${experiment.state.status}: ${experiment.state.reason}`,
          );
        const arn = experiment.template.logConfiguration?.cloudWatchLogsConfiguration?.logGroupArn;
        const group = arn ? logGroupNameOf(arn) : undefined;
        const now = Date.now();
        if (group) options.logs?.()?.store.append(group, experiment.id, JSON.stringify(record), now, now);
      };
      const experiments = new Experiments({
        region: cloud.region,
        accountId: cloud.accountId,
        functions: () => functions,
        injector,
        log: writeLog,
        ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.cloudWatch
          ? { alarmState: (arn: string) => alarmState(options.cloudWatch?.(), arn) }
          : {}),
      });
      leave = cloud.lambda.addInterceptor(injector.interceptor);
      service = {
        templates,
        experiments,
        injector,
        templateNamed: (name) => [...templates.values()].find((t) => t.template.tags.Name === name),
        logRecords: (id) => records.get(id) ?? [],
      };
      registerFisApi(cloud.router, {
        templates,
        experiments,
        region: cloud.region,
        accountId: cloud.accountId,
      });
      timer = setInterval(() => experiments.checkStopConditions(), options.stopConditionIntervalMs ?? 1000);
      timer.unref();
      cloud.logger.info(`  fis: ${templates.size} experiment template(s)`);
    },
    stop() {
      if (timer) clearInterval(timer);
      service?.experiments.stopAll();
      leave?.();
    },
    health() {
      const experiments = [...(service?.experiments.byId.values() ?? [])];
      return {
        templates: service?.templates.size ?? 0,
        experiments: experiments.length,
        running: experiments.filter((e) => e.state.status === 'running').length,
      };
    },
  };
}

/** Each local function with its tags (FIS selects `aws:lambda:function` targets by them). */
function targetableFunctions(cloud: LocalCloud): TargetableFunction[] {
  return cloud.lambda.functions.map((fn) => {
    const props = cloud.model.properties(cloud.model.resource(fn.stackName, fn.logicalId));
    const tags = Array.isArray(props.Tags) ? (props.Tags as Array<{ Key?: unknown; Value?: unknown }>) : [];
    return {
      name: fn.name,
      arn: fn.arn,
      tags: Object.fromEntries(tags.map((tag) => [String(tag.Key), String(tag.Value)])),
    };
  });
}

function alarmState(cloudWatch: CloudWatchService | undefined, arnOrName: string): string | undefined {
  if (!cloudWatch) return undefined;
  for (const alarm of cloudWatch.alarms.values()) {
    if (alarm.definition.alarmArn === arnOrName || alarm.definition.alarmName === arnOrName)
      return alarm.status.state;
  }
  return undefined;
}
