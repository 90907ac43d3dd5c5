/**
 * One CodeDeploy deployment of a Lambda alias, locally: the plan's steps applied to the alias's weights with
 * the local Lambda's UpdateAlias rules, each held for its (scaled) minutes while the group's alarms are watched;
 * an alarm in ALARM moves the alias back to the old version at 100% (weights removed), as CodeDeploy's automatic
 * rollback does. Every step is printed.
 */
import type { LocalFunction } from '../lambda/functions.js';
import { updateAlias } from '../lambda/versions.js';
import type { TrafficPlan } from './traffic-plan.js';

/** An alarm as the deployment sees it: its state now. */
export interface WatchedAlarm {
  readonly name: string;
  state(): { readonly value: string; readonly reason: string } | undefined;
}

export interface ShiftOptions {
  readonly fn: LocalFunction;
  readonly alias: string;
  /** The version the alias serves now (it serves 100% again after a rollback). */
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly plan: TrafficPlan;
  readonly alarms: readonly WatchedAlarm[];
  /** Real minutes to local milliseconds. */
  readonly scaleMs: (minutes: number) => number;
  /** How long the alarms are still watched after the last shift (the alarms' local period). */
  readonly bakeMs: number;
  readonly pollMs: number;
  readonly log: (line: string) => void;
  /** Aborts the holds (the cloud stops): the alias is left as it is. */
  readonly signal?: AbortSignal;
}

export interface ShiftResult {
  readonly outcome: 'succeeded' | 'rolled-back' | 'stopped';
  /** Why it rolled back: the alarm and its reason. */
  readonly reason?: string;
  /** The new version's share at each step taken, in order. */
  readonly percents: readonly number[];
}

export async function shiftAlias(options: ShiftOptions): Promise<ShiftResult> {
  const { fn, alias, fromVersion, toVersion, plan, log } = options;
  const label = `${fn.name}:${alias}`;
  const percents: number[] = [];
  const rollBack = (why: string): ShiftResult => {
    updateAlias(fn, alias, { FunctionVersion: fromVersion, RoutingConfig: null });
    log(`  ✗ ${label}: ROLLED BACK to version ${fromVersion} (100%): ${why}`);
    return { outcome: 'rolled-back', reason: why, percents };
  };
  const inAlarm = () => {
    if (!plan.watchAlarms) return undefined;
    for (const alarm of options.alarms) {
      const state = alarm.state();
      if (state?.value === 'ALARM') return `alarm ${alarm.name} is in ALARM (${state.reason})`;
    }
    return undefined;
  };

  // CodeDeploy polls the alarms from the deployment's start: one already in ALARM stops it at once.
  const blocked = inAlarm();
  if (blocked) return rollBack(`${blocked}; it must return to OK before a deployment can pass`);

  for (const [index, step] of plan.steps.entries()) {
    if (step.percent >= 100) {
      updateAlias(fn, alias, { FunctionVersion: toVersion, RoutingConfig: null });
    } else {
      updateAlias(fn, alias, {
        FunctionVersion: fromVersion,
        RoutingConfig: { AdditionalVersionWeights: { [toVersion]: step.percent / 100 } },
      });
    }
    percents.push(step.percent);
    const last = index === plan.steps.length - 1;
    const holdMs = last ? (plan.watchAlarms ? options.bakeMs : 0) : options.scaleMs(step.holdMinutes);
    const next = last
      ? holdMs > 0
        ? `; watching the alarms for ${seconds(holdMs)} more`
        : ''
      : `; next step in ${seconds(holdMs)} (${step.holdMinutes} min in AWS)`;
    log(
      `  → ${label}: ${step.percent}% on version ${toVersion}` +
        (step.percent < 100 ? `, ${100 - step.percent}% on version ${fromVersion}` : '') +
        next,
    );
    const outcome = await hold(holdMs, options, inAlarm);
    if (outcome === 'stopped') return { outcome: 'stopped', percents };
    if (outcome) return rollBack(outcome);
  }
  log(`  ✓ ${label}: version ${toVersion} serves 100%`);
  return { outcome: 'succeeded', percents };
}

/** Waits `ms`, looking at the alarms every `pollMs`: the alarm's reason, 'stopped', or undefined. */
async function hold(
  ms: number,
  options: Pick<ShiftOptions, 'pollMs' | 'signal'>,
  inAlarm: () => string | undefined,
): Promise<string | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    if (options.signal?.aborted) return 'stopped';
    const alarm = inAlarm();
    if (alarm) return alarm;
    const left = until - Date.now();
    if (left <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, options.pollMs)));
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
