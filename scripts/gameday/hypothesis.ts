/**
 * The steady-state hypothesis, checked before, during and after the fault with numeric tolerances: pure
 * functions over the orders each window placed and what the experiment template says it injects.
 */
import { percentiles } from '../../bench/load.js';
import { STANDING } from './invariants.js';
import {
  type HypothesisCheck,
  type InjectedFaults,
  type InvariantResult,
  type OrderRecord,
  PHASES,
  type Phase,
  type PhaseFigures,
  type Tolerances,
} from './model.js';

export function phaseFigures(orders: readonly OrderRecord[], phase: Phase): PhaseFigures {
  const placed = orders.filter((o) => o.phase === phase && !o.unacknowledged);
  const reasons: Record<string, number> = {};
  for (const o of placed) {
    const reason = o.error
      ? `refused: ${o.error}`
      : o.status === 'CANCELLED'
        ? `cancelled: ${o.failureReason ?? '(no reason)'}`
        : undefined;
    if (reason) reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  const accepted = placed.filter((o) => o.orderId !== undefined);
  const confirmed = accepted.filter((o) => STANDING.has(o.status ?? '')).length;
  const cancelled = accepted.filter((o) => o.status === 'CANCELLED').length;
  const rate = (n: number) => (accepted.length === 0 ? 0 : n / accepted.length);
  return {
    phase,
    placed: placed.length,
    accepted: accepted.length,
    confirmed,
    cancelled,
    notTerminal: accepted.length - confirmed - cancelled,
    sagaSuccessRate: rate(confirmed),
    compensationRate: rate(cancelled),
    reasons,
    ackMs: percentiles(placed.map((o) => o.ackMs)),
    sagaMs: percentiles(accepted.flatMap((o) => (o.sagaMs === undefined ? [] : [o.sagaMs]))),
  };
}

/** An FIS template action as GetExperimentTemplate returns it (actionId and string parameters). */
export interface TemplateAction {
  readonly actionId?: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

/**
 * What the template injects. Error actions (`aws:lambda:invocation-error`, and an http-integration response
 * with a 5xx status) fail `invocationPercentage` % of the targeted invocations; an order passes each faulted
 * step once or more, so the chance it meets at least one error is 1 − Π(1 − p) — an upper bound on what the
 * saga should compensate, before its retries win some back. Delay actions add `startupDelayMilliseconds`.
 */
export function injectedFaults(actions: readonly TemplateAction[]): InjectedFaults {
  let passes = 1;
  let delayMs = 0;
  const names: string[] = [];
  for (const action of actions) {
    const id = action.actionId ?? '';
    const p = action.parameters ?? {};
    const share = Math.min(100, Math.max(0, Number(p.invocationPercentage ?? 100))) / 100;
    if (id === 'aws:lambda:invocation-error') {
      passes *= 1 - share;
      names.push(`${id} ${share * 100}%`);
    } else if (id === 'aws:lambda:invocation-http-integration-response' && Number(p.statusCode) >= 500) {
      passes *= 1 - share;
      names.push(`${id} ${p.statusCode} ${share * 100}%`);
    } else if (id === 'aws:lambda:invocation-add-delay') {
      delayMs += Number(p.startupDelayMilliseconds ?? 0);
      names.push(`${id} ${p.startupDelayMilliseconds} ms ${share * 100}%`);
    } else if (id) names.push(id);
  }
  return { errorRate: 1 - passes, delayMs, actions: names };
}

const atLeast = (n: number) => `>= ${round(n)}`;
const atMost = (n: number) => `<= ${round(n)}`;
const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The checks, per phase:
 * - baseline: saga success rate ≥ minSuccessRate; saga p99 ≤ maxSagaP99Ms (the platform is healthy before);
 * - fault: compensation rate ≤ injected error rate + compensationTolerance + 3σ of the draw (the blast radius
 *   stays within what was injected); saga p99 ≤ maxFaultSagaP99Ms + injected delay (orders are still decided in bounded time);
 * - recovery: success rate ≥ minSuccessRate and ≥ the baseline's − compensationTolerance; saga p99 ≤ baseline
 *   p99 × recoveryLatencyFactor + recoverySlackMs (full recovery).
 * In every phase every accepted order is terminal and no placeOrder is refused (acceptance rate 1).
 */
export function evaluateHypothesis(
  figures: Readonly<Record<Phase, PhaseFigures>>,
  injected: InjectedFaults,
  tolerances: Tolerances,
): HypothesisCheck[] {
  const checks: HypothesisCheck[] = [];
  const check = (phase: Phase, name: string, measured: number, bound: string, holds: boolean) =>
    checks.push({ phase, name, measured: round(measured), bound, holds });
  for (const phase of PHASES) {
    const f = figures[phase];
    const acceptance = f.placed === 0 ? 0 : f.accepted / f.placed;
    check(
      phase,
      'orders accepted (placeOrder answered)',
      acceptance,
      atLeast(1),
      f.placed > 0 && acceptance >= 1,
    );
    check(phase, 'orders not terminal', f.notTerminal, atMost(0), f.notTerminal === 0);
  }
  const { baseline, fault, recovery } = figures;
  check(
    'baseline',
    'saga success rate',
    baseline.sagaSuccessRate,
    atLeast(tolerances.minSuccessRate),
    baseline.sagaSuccessRate >= tolerances.minSuccessRate,
  );
  check(
    'baseline',
    'saga p99 (ms)',
    baseline.sagaMs.p99,
    atMost(tolerances.maxSagaP99Ms),
    baseline.sagaMs.p99 <= tolerances.maxSagaP99Ms,
  );
  // Which invocations fail is a draw: with n orders the compensation rate itself varies by sqrt(p(1−p)/n), so
  // the bound allows three of those on top of the tolerance (at 60 orders and 30% that is 18 points; at 1,000, 4).
  const p = injected.errorRate;
  const noise = fault.accepted > 0 ? 3 * Math.sqrt((p * (1 - p)) / fault.accepted) : 0;
  const maxCompensation = p + tolerances.compensationTolerance + noise;
  check(
    'fault',
    'compensation rate',
    fault.compensationRate,
    atMost(maxCompensation),
    fault.compensationRate <= maxCompensation,
  );
  const maxFaultP99 = tolerances.maxFaultSagaP99Ms + injected.delayMs;
  check('fault', 'saga p99 (ms)', fault.sagaMs.p99, atMost(maxFaultP99), fault.sagaMs.p99 <= maxFaultP99);
  const minRecovered = Math.max(
    tolerances.minSuccessRate,
    baseline.sagaSuccessRate - tolerances.compensationTolerance,
  );
  check(
    'recovery',
    'saga success rate',
    recovery.sagaSuccessRate,
    atLeast(minRecovered),
    recovery.sagaSuccessRate >= minRecovered,
  );
  const maxRecoveryP99 = baseline.sagaMs.p99 * tolerances.recoveryLatencyFactor + tolerances.recoverySlackMs;
  check(
    'recovery',
    'saga p99 (ms)',
    recovery.sagaMs.p99,
    atMost(maxRecoveryP99),
    recovery.sagaMs.p99 <= maxRecoveryP99,
  );
  return checks;
}

export type Verdict = 'PASS' | 'FAIL';

/**
 * PASS only when every hypothesis check and every invariant holds and the experiment ran its course: completed,
 * or stopped by the game day itself. Stopped otherwise means a stop condition (an SLO alarm: the platform's own
 * steady-state hypothesis) fired, or someone stopped it; failed or cancelled means the faults never ran as
 * planned.
 */
export function verdictOf(
  checks: readonly HypothesisCheck[],
  invariants: readonly InvariantResult[],
  experimentStatus: string | undefined,
  stoppedByRunner = false,
): Verdict {
  const experimentOk =
    experimentStatus === 'completed' || (experimentStatus === 'stopped' && stoppedByRunner);
  return experimentOk && checks.every((c) => c.holds) && invariants.every((i) => i.holds) ? 'PASS' : 'FAIL';
}
