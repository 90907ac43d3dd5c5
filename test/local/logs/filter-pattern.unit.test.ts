import { describe, expect, it } from 'vitest';
import { compileFilterPattern, FilterPatternError } from '../../../local/logs/filter-pattern.js';

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
const charging = line({
  level: 'INFO',
  message: 'charging',
  correlation_id: 'c-1',
  order: { total: 42 },
  ok: true,
});
const failed = line({ level: 'ERROR', message: 'handler failed', correlation_id: 'c-2', error: null });

describe('filter patterns', () => {
  it('matches every term, any ?term, no -term, and quoted phrases (case-sensitive)', () => {
    expect(compileFilterPattern('ERROR handler')(failed)).toBe(true);
    expect(compileFilterPattern('ERROR charging')(failed)).toBe(false);
    expect(compileFilterPattern('info')(charging)).toBe(false);
    expect(compileFilterPattern('?charging ?failed')(charging)).toBe(true);
    expect(compileFilterPattern('?nothing ?else')(charging)).toBe(false);
    expect(compileFilterPattern('INFO -charging')(charging)).toBe(false);
    expect(compileFilterPattern('"handler failed"')(failed)).toBe(true);
    expect(compileFilterPattern('"failed handler"')(failed)).toBe(false);
    expect(compileFilterPattern('')('anything')).toBe(true);
  });

  it('selects JSON fields with =, !=, numbers, wildcards, EXISTS, IS NULL/TRUE, && and ||', () => {
    const matches = (pattern: string, message: string) => compileFilterPattern(pattern)(message);
    expect(matches('{ $.correlation_id = "c-1" }', charging)).toBe(true);
    expect(matches('{ $.correlation_id = "c-1" }', failed)).toBe(false);
    expect(matches('{ $.correlation_id != "c-1" }', failed)).toBe(true);
    expect(matches('{ $.correlation_id = "c-*" }', failed)).toBe(true);
    expect(matches('{ $.order.total >= 42 }', charging)).toBe(true);
    expect(matches('{ $.order.total > 42 }', charging)).toBe(false);
    expect(matches('{ $.level = ERROR }', failed)).toBe(true);
    expect(matches('{ $.error IS NULL }', failed)).toBe(true);
    expect(matches('{ $.ok IS TRUE }', charging)).toBe(true);
    expect(matches('{ $.order EXISTS }', failed)).toBe(false);
    expect(matches('{ $.order NOT EXISTS }', failed)).toBe(true);
    expect(matches('{ ($.level = "ERROR") || ($.order.total = 42) }', charging)).toBe(true);
    expect(matches('{ $.level = "ERROR" && $.correlation_id = "c-1" }', failed)).toBe(false);
    // A line that is not JSON never matches a JSON pattern.
    expect(matches('{ $.level = "INFO" }', 'START RequestId: 1')).toBe(false);
  });

  it('refuses what it does not run, with InvalidParameterException', () => {
    for (const pattern of ['[ip, user]', '%ERROR%', '{ $.a = }', '{ level = "x" }', '{ $.a ~ 1 }', '"open'])
      expect(() => compileFilterPattern(pattern), pattern).toThrow(FilterPatternError);
    try {
      compileFilterPattern('{ $.a = }');
    } catch (error) {
      expect((error as FilterPatternError).code).toBe('InvalidParameterException');
    }
  });
});
