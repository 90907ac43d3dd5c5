/**
 * CloudWatch's alarm evaluation, pure: the last `EvaluationPeriods` datapoints of an alarm's metric (one per
 * period, `undefined` where the period had no data) and the alarm's current state give its next state, with
 * AWS's reason text. How missing data counts follows AWS's rules ("Configuring how CloudWatch alarms treat
 * missing data"):
 * - at least `DatapointsToAlarm` datapoints present: only those are evaluated, `TreatMissingData` plays no part;
 * - all missing: `missing` → INSUFFICIENT_DATA, `ignore` → the state stays, `breaching` → ALARM,
 *   `notBreaching` → OK;
 * - some present, fewer than `DatapointsToAlarm`: `breaching` / `notBreaching` fill the gaps, `ignore` keeps the
 *   state, `missing` evaluates the present ones alone (ALARM when every one of them breaches).
 */

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';
export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
export const TREAT_MISSING_DATA: readonly TreatMissingData[] = [
  'breaching',
  'notBreaching',
  'ignore',
  'missing',
];

export interface EvaluationRule {
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly evaluationPeriods: number;
  /** M of the "M out of N" (N = evaluationPeriods). @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  /** @default 'missing' */
  readonly treatMissingData?: TreatMissingData;
}

/** One period's aggregated value, or `value: undefined` when the period had no data. */
export interface PeriodDatapoint {
  /** The period's start, epoch ms. */
  readonly timestamp: number;
  readonly value: number | undefined;
}

export interface Evaluation {
  readonly state: AlarmStateValue;
  readonly reason: string;
  /** The datapoints evaluated, newest first (as AWS lists `recentDatapoints`). */
  readonly recentDatapoints: readonly number[];
}

const WORDS: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function breaches(value: number, rule: Pick<EvaluationRule, 'threshold' | 'comparisonOperator'>) {
  switch (rule.comparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
    default: {
      const never: never = rule.comparisonOperator;
      throw new Error(`unknown comparison operator ${String(never)}`);
    }
  }
}

/** `datapoints`: the last `evaluationPeriods` periods, oldest first (fewer means the older ones are missing). */
export function evaluateAlarm(
  rule: EvaluationRule,
  datapoints: readonly PeriodDatapoint[],
  current: AlarmStateValue,
): Evaluation {
  const n = rule.evaluationPeriods;
  const m = Math.min(rule.datapointsToAlarm ?? n, n);
  const treat = rule.treatMissingData ?? 'missing';
  const window = datapoints.slice(-n);
  const present = window.filter((point) => point.value !== undefined) as Array<{
    timestamp: number;
    value: number;
  }>;
  const recentDatapoints = present.map((point) => point.value).reverse();
  const missing = n - present.length;
  const breaching = present.filter((point) => breaches(point.value, rule)).length;
  const keep = (why: string): Evaluation => ({ state: current, reason: why, recentDatapoints });

  if (present.length === 0) {
    const why = `no datapoints were received for ${n} period${n === 1 ? '' : 's'}`;
    switch (treat) {
      case 'missing':
        return {
          state: 'INSUFFICIENT_DATA',
          reason: `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`,
          recentDatapoints,
        };
      case 'ignore':
        return keep(`Unchanged: ${why} and missing data is ignored.`);
      case 'breaching':
        return crossed(
          'ALARM',
          n,
          n,
          m,
          rule,
          present,
          `${why} and ${n} missing datapoints were treated as [Breaching]`,
        );
      case 'notBreaching':
        return crossed(
          'OK',
          0,
          n,
          m,
          rule,
          present,
          `${why} and ${n} missing datapoints were treated as [NonBreaching]`,
        );
    }
  }
  if (present.length >= m) {
    return crossed(breaching >= m ? 'ALARM' : 'OK', breaching, present.length, m, rule, present);
  }
  switch (treat) {
    case 'breaching': {
      const count = breaching + missing;
      const note = `${missing} missing datapoint${missing === 1 ? ' was' : 's were'} treated as [Breaching]`;
      return crossed(count >= m ? 'ALARM' : 'OK', count, n, m, rule, present, note);
    }
    case 'notBreaching': {
      const note = `${missing} missing datapoint${missing === 1 ? ' was' : 's were'} treated as [NonBreaching]`;
      return crossed(breaching >= m ? 'ALARM' : 'OK', breaching, n, m, rule, present, note);
    }
    case 'ignore':
      return keep(
        `Unchanged: only ${present.length} of ${m} datapoints needed were received and missing data is ignored.`,
      );
    case 'missing':
      return crossed(
        breaching === present.length ? 'ALARM' : 'OK',
        breaching,
        present.length,
        present.length,
        rule,
        present,
      );
  }
}

function crossed(
  state: 'OK' | 'ALARM',
  breaching: number,
  outOf: number,
  needed: number,
  rule: EvaluationRule,
  present: ReadonlyArray<{ timestamp: number; value: number }>,
  note?: string,
): Evaluation {
  const shown = [...present]
    .reverse()
    .map((point) => `${formatNumber(point.value)} (${formatDate(point.timestamp)})`)
    .join(', ');
  const counted = state === 'ALARM' ? breaching : outOf - breaching;
  const verb = counted === 1 ? 'was' : 'were';
  const relation =
    state === 'ALARM' ? WORDS[rule.comparisonOperator] : `not ${WORDS[rule.comparisonOperator]}`;
  const reason =
    `Threshold Crossed: ${counted} out of the last ${outOf} datapoint${outOf === 1 ? '' : 's'} [${shown}] ${verb} ` +
    `${relation} the threshold (${formatNumber(rule.threshold)})` +
    (state === 'ALARM'
      ? ` (minimum ${needed} datapoint${needed === 1 ? '' : 's'} for OK -> ALARM transition)`
      : '') +
    (note ? `; ${note}` : '') +
    '.';
  return { state, reason, recentDatapoints: present.map((point) => point.value).reverse() };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** AWS's `dd/MM/yy HH:mm:ss` in UTC. */
function formatDate(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
}
