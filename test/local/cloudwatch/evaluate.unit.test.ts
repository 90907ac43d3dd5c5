import { describe, expect, it } from 'vitest';
import {
  type AlarmStateValue,
  type EvaluationRule,
  evaluateAlarm,
  type PeriodDatapoint,
  type TreatMissingData,
} from '../../../local/cloudwatch/evaluate.js';

const T0 = Date.UTC(2026, 11, 4, 22, 0, 0);
/** Periods oldest first: a number is a datapoint, `-` a period without data. */
const periods = (...values: Array<number | '-'>): PeriodDatapoint[] =>
  values.map((value, i) => ({ timestamp: T0 + i * 60_000, value: value === '-' ? undefined : value }));

const rule = (overrides: Partial<EvaluationRule> = {}): EvaluationRule => ({
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
  treatMissingData: 'missing',
  ...overrides,
});

const stateOf = (r: EvaluationRule, points: PeriodDatapoint[], current: AlarmStateValue = 'OK') =>
  evaluateAlarm(r, points, current).state;

describe('alarm evaluation', () => {
  it('alarms on one datapoint of one period at or above the threshold (messageWaitingAlarm)', () => {
    const waiting = rule({
      evaluationPeriods: 1,
      datapointsToAlarm: undefined,
      treatMissingData: 'notBreaching',
    });
    const evaluation = evaluateAlarm(waiting, periods(1), 'INSUFFICIENT_DATA');
    expect(evaluation.state).toBe('ALARM');
    expect(evaluation.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoint [1.0 (04/12/26 22:00:00)] was greater than or equal to ' +
        'the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
    );
    expect(stateOf(waiting, periods(0), 'ALARM')).toBe('OK');
    expect(stateOf(waiting, periods('-'), 'ALARM')).toBe('OK');
  });

  it.each([
    ['GreaterThanThreshold', 1, 'OK'],
    ['GreaterThanThreshold', 2, 'ALARM'],
    ['LessThanThreshold', 0, 'ALARM'],
    ['LessThanThreshold', 1, 'OK'],
    ['LessThanOrEqualToThreshold', 1, 'ALARM'],
    ['GreaterThanOrEqualToThreshold', 0.5, 'OK'],
  ] as const)('compares %s against 1: %d → %s', (comparisonOperator, value, state) => {
    expect(
      stateOf(rule({ comparisonOperator, evaluationPeriods: 1, datapointsToAlarm: 1 }), periods(value)),
    ).toBe(state);
  });

  it('alarms on M out of N breaching datapoints, not fewer', () => {
    const twoOfThree = rule({ datapointsToAlarm: 2 });
    expect(stateOf(twoOfThree, periods(5, 0, 5))).toBe('ALARM');
    expect(stateOf(twoOfThree, periods(0, 0, 5))).toBe('OK');
    expect(stateOf(twoOfThree, periods(5, 5, 0))).toBe('ALARM');
    // Only the last N periods count.
    expect(stateOf(twoOfThree, periods(5, 5, 0, 0, 5))).toBe('OK');
    // DatapointsToAlarm defaults to EvaluationPeriods.
    expect(stateOf(rule({ datapointsToAlarm: undefined }), periods(5, 5, 0))).toBe('OK');
    expect(stateOf(rule({ datapointsToAlarm: undefined }), periods(5, 5, 5))).toBe('ALARM');
  });

  it('evaluates the present datapoints alone when there are at least M of them, whatever TreatMissingData says', () => {
    for (const treatMissingData of ['missing', 'ignore', 'breaching', 'notBreaching'] as TreatMissingData[]) {
      const twoOfThree = rule({ datapointsToAlarm: 2, treatMissingData });
      expect(stateOf(twoOfThree, periods(5, '-', 5), 'OK')).toBe('ALARM');
      expect(stateOf(twoOfThree, periods(0, '-', 0), 'ALARM')).toBe('OK');
    }
  });

  // AWS's table for 3 of 3: each row gives the state per TreatMissingData (missing, ignore, breaching, notBreaching).
  it.each([
    ['- - -', ['INSUFFICIENT_DATA', 'KEEP', 'ALARM', 'OK']],
    ['- - 5', ['ALARM', 'KEEP', 'ALARM', 'OK']],
    ['- - 0', ['OK', 'KEEP', 'OK', 'OK']],
    ['5 - 5', ['ALARM', 'KEEP', 'ALARM', 'OK']],
    ['0 - 5', ['OK', 'KEEP', 'OK', 'OK']],
  ] as const)('treats missing data in %s as AWS does', (row, expected) => {
    const points = periods(...row.split(' ').map((v) => (v === '-' ? ('-' as const) : Number(v))));
    const modes: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];
    modes.forEach((treatMissingData, i) => {
      for (const current of ['OK', 'ALARM'] as AlarmStateValue[]) {
        const want = expected[i] === 'KEEP' ? current : expected[i];
        expect(
          stateOf(rule({ treatMissingData }), points, current),
          `${treatMissingData} from ${current}`,
        ).toBe(want);
      }
    });
  });

  it('says why, for no data', () => {
    expect(evaluateAlarm(rule(), periods('-', '-', '-'), 'OK').reason).toBe(
      'Insufficient Data: 3 datapoints were unknown.',
    );
    expect(
      evaluateAlarm(rule({ treatMissingData: 'notBreaching' }), periods('-', '-', '-'), 'ALARM').reason,
    ).toContain('treated as [NonBreaching]');
  });

  it('counts fewer datapoints than periods (a new metric) as missing ones', () => {
    expect(stateOf(rule({ treatMissingData: 'breaching' }), periods(5))).toBe('ALARM');
    expect(stateOf(rule({ treatMissingData: 'notBreaching' }), periods(5))).toBe('OK');
  });
});
