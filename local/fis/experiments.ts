/**
 * Experiments as FIS runs them: `pending → initiating` (targets resolved) `→ running` (each action starts once
 * every action it names in `startAfter` has ended, and lasts its `duration`) `→ completed`, or `stopped` (by
 * StopExperiment or a stop condition: running actions stop, pending ones are cancelled), or `failed` (a target
 * that cannot be resolved). Lambda actions are faults in the FaultInjector while they run; each step is an
 * experiment log record. Durations are multiplied by `timeScale`.
 */
import { randomBytes } from 'node:crypto';
import { FIS_ACTIONS } from './actions.js';
import type { ActiveFault, FaultInjector } from './injection.js';
import { type ExperimentLogRecord, type LogType, logRecord, logTimestamp } from './log.js';
import {
  type ResolvedFunction,
  resolveLambdaTarget,
  type TargetableFunction,
  TargetResolutionError,
} from './targets.js';
import { actionDurationMs, type ExperimentTemplate, type TemplateAction } from './templates.js';

export type ExperimentStatus =
  | 'pending'
  | 'initiating'
  | 'running'
  | 'completed'
  | 'stopping'
  | 'stopped'
  | 'failed';
export type ActionStatus =
  | 'pending'
  | 'initiating'
  | 'running'
  | 'completed'
  | 'cancelled'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'skipped';

interface State<S> {
  status: S;
  reason: string;
}

interface LocalAction extends TemplateAction {
  state: State<ActionStatus>;
  startTime?: number;
  endTime?: number;
}

export interface LocalExperiment {
  readonly id: string;
  readonly arn: string;
  readonly template: ExperimentTemplate;
  readonly clientToken?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly creationTime: number;
  state: State<ExperimentStatus>;
  startTime?: number;
  endTime?: number;
  readonly actions: Record<string, LocalAction>;
  /** Each target's resolved functions, once resolved. */
  readonly resolved: Map<string, readonly ResolvedFunction[]>;
  /** Faults of the actions now running. */
  readonly faults: Map<string, { readonly fault: ActiveFault; readonly end: () => void }>;
  readonly timers: Set<NodeJS.Timeout>;
  /** Injections per action, kept after the action ends. */
  readonly injections: Record<string, { readonly seen: number; readonly injected: number }>;
}

export interface ExperimentsOptions {
  readonly region: string;
  readonly accountId: string;
  /** The local functions, with their tags. */
  readonly functions: () => readonly TargetableFunction[];
  readonly injector: FaultInjector;
  /** An alarm's state by ARN (`ALARM`, `OK`, ...); undefined when there is no such alarm. */
  readonly alarmState?: (alarmArn: string) => string | undefined;
  readonly log?: (experiment: LocalExperiment, record: ExperimentLogRecord) => void;
  /** Multiplies action durations. @default 1 */
  readonly timeScale?: number;
  readonly random?: () => number;
  readonly now?: () => number;
}

const ACTIVE: readonly ExperimentStatus[] = ['pending', 'initiating', 'running'];
const ENDED_ACTION: readonly ActionStatus[] = ['completed', 'skipped'];

export class Experiments {
  readonly byId = new Map<string, LocalExperiment>();
  private readonly now: () => number;

  constructor(private readonly options: ExperimentsOptions) {
    this.now = options.now ?? Date.now;
  }

  start(template: ExperimentTemplate, input: { clientToken?: string; tags?: Record<string, string> } = {}) {
    const again = [...this.byId.values()].find(
      (e) => input.clientToken && e.clientToken === input.clientToken,
    );
    if (again) return again;
    const id = `EXP${base62(15)}`;
    const experiment: LocalExperiment = {
      id,
      arn: `arn:aws:fis:${this.options.region}:${this.options.accountId}:experiment/${id}`,
      template,
      ...(input.clientToken ? { clientToken: input.clientToken } : {}),
      tags: { ...template.tags, ...input.tags },
      creationTime: this.now(),
      state: { status: 'pending', reason: 'Experiment is pending.' },
      actions: Object.fromEntries(
        Object.entries(template.actions).map(([name, action]) => [
          name,
          { ...action, state: { status: 'pending', reason: 'Initial state.' } },
        ]),
      ),
      resolved: new Map(),
      faults: new Map(),
      timers: new Set(),
      injections: {},
    };
    this.byId.set(id, experiment);
    this.later(experiment, 0, () => this.initiate(experiment));
    return experiment;
  }

  /** Stops a running experiment; what StopExperiment answers is the experiment as it begins to stop. */
  stop(experiment: LocalExperiment, reason: string): { status: ExperimentStatus; reason: string } {
    if (!ACTIVE.includes(experiment.state.status)) return { ...experiment.state };
    const stopping = { status: 'stopping' as const, reason };
    this.end(experiment, 'stopped', reason);
    return stopping;
  }

  /** Stops each running experiment whose stop condition's alarm is in ALARM (the plugin calls it every second). */
  checkStopConditions(): void {
    const state = this.options.alarmState;
    if (!state) return;
    for (const experiment of this.byId.values()) {
      if (!ACTIVE.includes(experiment.state.status) || experiment.state.status === 'pending') continue;
      const alarm = experiment.template.stopConditions.find(
        (c) => c.source === 'aws:cloudwatch:alarm' && c.value !== undefined && state(c.value) === 'ALARM',
      );
      if (alarm) this.end(experiment, 'stopped', `Experiment halted by stop condition ${alarm.value}.`);
    }
  }

  stopAll(): void {
    for (const experiment of this.byId.values()) {
      if (ACTIVE.includes(experiment.state.status))
        this.end(experiment, 'stopped', 'The local cloud stopped.');
    }
  }

  private initiate(experiment: LocalExperiment): void {
    const { template } = experiment;
    experiment.state = { status: 'initiating', reason: 'Experiment is initiating.' };
    experiment.startTime = this.now();
    this.log(experiment, 'experiment-start', {
      experiment_template_id: template.id,
      experiment_start_time: logTimestamp(experiment.startTime),
      experiment_state: { ...experiment.state },
    });
    for (const condition of template.stopConditions) {
      if (condition.source !== 'aws:cloudwatch:alarm' || !this.options.alarmState) continue;
      if (this.options.alarmState(condition.value ?? '') === undefined) {
        this.end(experiment, 'failed', `Stop condition alarm not found: ${condition.value}.`);
        return;
      }
    }
    const used = new Set(Object.values(template.actions).flatMap((a) => Object.values(a.targets ?? {})));
    for (const [name, target] of Object.entries(template.targets)) {
      if (!used.has(name)) continue;
      this.log(experiment, 'target-resolution-start', {
        target_name: name,
        target_resolution_start_time: logTimestamp(this.now()),
      });
      let resolved: ResolvedFunction[];
      try {
        resolved = resolveLambdaTarget(name, target, this.options.functions(), this.options.random);
      } catch (error) {
        if (!(error instanceof TargetResolutionError)) throw error;
        this.end(experiment, 'failed', error.message);
        return;
      }
      experiment.resolved.set(name, resolved);
      this.log(experiment, 'target-resolution-detail', {
        target_name: name,
        target_type: target.resourceType,
        resolved_targets_count: resolved.length,
        resolved_targets: resolved.map((fn) => ({
          arn: fn.qualifier ? `${fn.arn}:${fn.qualifier}` : fn.arn,
        })),
      });
      this.log(experiment, 'target-resolution-end', {
        target_name: name,
        target_resolution_end_time: logTimestamp(this.now()),
        status: 'completed',
      });
      if (resolved.length === 0 && template.experimentOptions.emptyTargetResolutionMode !== 'skip') {
        this.end(experiment, 'failed', `Target resolution returned empty set for target ${name}.`);
        return;
      }
    }
    experiment.state = { status: 'running', reason: 'Experiment is running.' };
    this.advance(experiment);
  }

  /** Starts every action whose `startAfter` actions have ended; completes the experiment when none is left. */
  private advance(experiment: LocalExperiment): void {
    if (experiment.state.status !== 'running') return;
    const actions = Object.entries(experiment.actions);
    for (const [name, action] of actions) {
      if (action.state.status !== 'pending') continue;
      const ready = (action.startAfter ?? []).every((after) =>
        ENDED_ACTION.includes(experiment.actions[after]?.state.status ?? 'completed'),
      );
      if (ready) this.startAction(experiment, name, action);
    }
    if (actions.every(([, action]) => ENDED_ACTION.includes(action.state.status)))
      this.end(experiment, 'completed', 'Experiment completed.');
  }

  private startAction(experiment: LocalExperiment, name: string, action: LocalAction): void {
    const targetKey = FIS_ACTIONS[action.actionId]?.target?.key;
    const targets = targetKey ? (experiment.resolved.get(action.targets?.[targetKey] ?? '') ?? []) : [];
    if (targetKey && targets.length === 0) {
      action.state = { status: 'skipped', reason: 'No targets were resolved.' };
      return;
    }
    action.state = { status: 'running', reason: 'Action is running.' };
    action.startTime = this.now();
    this.log(experiment, 'action-start', {
      action_name: name,
      action_id: action.actionId,
      action_start_time: logTimestamp(action.startTime),
      action_state: { ...action.state },
      parameters: action.parameters ?? {},
      action_targets: action.targets ?? {},
    });
    if (targetKey) {
      const fault: ActiveFault = {
        experimentId: experiment.id,
        actionName: name,
        actionId: action.actionId,
        parameters: action.parameters ?? {},
        targets,
        seen: 0,
        injected: 0,
      };
      experiment.injections[name] = fault;
      experiment.faults.set(name, { fault, end: this.options.injector.add(fault) });
    }
    this.later(experiment, actionDurationMs(action) * (this.options.timeScale ?? 1), () => {
      this.endAction(experiment, name, { status: 'completed', reason: 'Action was completed.' });
      this.advance(experiment);
    });
  }

  private endAction(experiment: LocalExperiment, name: string, state: State<ActionStatus>): void {
    const action = experiment.actions[name];
    if (!action) return;
    experiment.faults.get(name)?.end();
    experiment.faults.delete(name);
    action.state = state;
    action.endTime = this.now();
    this.log(experiment, 'action-end', {
      action_name: name,
      action_id: action.actionId,
      action_end_time: logTimestamp(action.endTime),
      action_state: { ...state },
    });
  }

  private end(experiment: LocalExperiment, status: 'completed' | 'stopped' | 'failed', reason: string): void {
    for (const timer of experiment.timers) clearTimeout(timer);
    experiment.timers.clear();
    for (const [name, action] of Object.entries(experiment.actions)) {
      if (action.state.status === 'running')
        this.endAction(experiment, name, { status: status === 'failed' ? 'failed' : 'stopped', reason });
      else if (action.state.status === 'pending')
        action.state = { status: 'cancelled', reason: 'Experiment ended before the action started.' };
    }
    experiment.state = { status, reason };
    experiment.endTime = this.now();
    this.log(experiment, 'experiment-end', {
      experiment_end_time: logTimestamp(experiment.endTime),
      experiment_state: { ...experiment.state },
    });
  }

  private later(experiment: LocalExperiment, ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      experiment.timers.delete(timer);
      run();
    }, ms);
    timer.unref?.();
    experiment.timers.add(timer);
  }

  private log(experiment: LocalExperiment, type: LogType, details: Record<string, unknown>): void {
    this.options.log?.(
      experiment,
      logRecord(experiment.id, type, this.now(), { account_id: this.options.accountId, ...details }),
    );
  }
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function base62(length: number): string {
  return Array.from(randomBytes(length), (byte) => BASE62[byte % BASE62.length]).join('');
}
