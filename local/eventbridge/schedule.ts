import { AwsError } from '../core/aws-service.js';

/**
 * EventBridge schedule expressions, `rate(value unit)` and `cron(minutes hours day-of-month month day-of-week
 * year)`, in UTC as EventBridge rules run them. A cron takes numbers, names (JAN-DEC, SUN-SAT; Sunday is 1),
 * `*`, `?`, ranges, lists and `/` increments, `L` (last day of the month) and `W`/`#` not (refused with a
 * reason rather than run wrongly). Hand-written: the cron packages know Unix cron (Sunday 0, no year, no `?`),
 * not this dialect, and none is installed.
 */
export interface Schedule {
  readonly expression: string;
  /** The first firing strictly after `afterMs` (epoch ms). */
  next(afterMs: number): number;
}

const invalid = (why: string) =>
  new AwsError('ValidationException', `Parameter ScheduleExpression is not valid. (${why})`);

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) return rateSchedule(expression, Number(rate[1]), rate[2] as string);
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) return cronSchedule(expression, (cron[1] as string).trim().split(/\s+/));
  throw invalid('rate(value unit) or cron(fields)');
}

function rateSchedule(expression: string, value: number, unit: string): Schedule {
  if (!Number.isInteger(value) || value < 1) throw invalid('the rate must be a positive whole number');
  // AWS: a value of 1 takes the singular unit, any other the plural.
  const singular = !unit.endsWith('s');
  if ((value === 1) !== singular)
    throw invalid(`use "${value === 1 ? 'minute/hour/day' : 'minutes/hours/days'}"`);
  const period = value * UNIT_MS[unit.replace(/s$/, '') as keyof typeof UNIT_MS];
  // A rate runs on a fixed period from when the rule was made; locally, from the epoch, to the minute.
  return { expression, next: (after) => (Math.floor(after / period) + 1) * period };
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

type Field = { readonly any: boolean; readonly values: ReadonlySet<number>; readonly last?: boolean };

function field(text: string, min: number, max: number, names: readonly string[] = [], nameBase = 1): Field {
  if (text === '*' || text === '?') return { any: true, values: new Set() };
  if (/[W#]/.test(text)) throw invalid(`"${text}": W and # are not run by the local cloud`);
  const values = new Set<number>();
  let last = false;
  for (const part of text.split(',')) {
    if (part === 'L') {
      last = true;
      continue;
    }
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalid(`bad increment in "${part}"`);
    const value = (s: string) => {
      const named = names.indexOf(s.toUpperCase());
      const n = named >= 0 ? named + nameBase : Number(s);
      if (!Number.isInteger(n) || n < min || n > max) throw invalid(`"${s}" is out of ${min}-${max}`);
      return n;
    };
    const [from, to] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(value)
          : [value(range), undefined];
    const end = to ?? (stepText === undefined ? from : max);
    for (let n = from as number; n <= (end as number); n += step) values.add(n);
  }
  return { any: false, values, last };
}

function cronSchedule(expression: string, parts: readonly string[]): Schedule {
  if (parts.length !== 6)
    throw invalid('a cron has six fields: minutes hours day-of-month month day-of-week year');
  const [mi, ho, dom, mo, dow, ye] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw invalid('one of day-of-month and day-of-week must be "?"');
  const minutes = field(mi, 0, 59);
  const hours = field(ho, 0, 23);
  const days = field(dom, 1, 31);
  const months = field(mo, 1, 12, MONTHS);
  const weekdays = field(dow, 1, 7, DAYS);
  const years = field(ye, 1970, 2199);
  const has = (f: Field, n: number) => f.any || f.values.has(n);
  const dayMatches = (d: Date) => {
    if (dom !== '?') {
      const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      return has(days, d.getUTCDate()) || (days.last === true && d.getUTCDate() === lastDay);
    }
    return has(weekdays, d.getUTCDay() + 1);
  };
  return {
    expression,
    next(after) {
      // Minute by minute, skipping whole days and months that cannot match: at most a few years of steps.
      let t = (Math.floor(after / 60_000) + 1) * 60_000;
      const limit = after + 5 * 366 * UNIT_MS.day;
      while (t <= limit) {
        const d = new Date(t);
        if (!has(years, d.getUTCFullYear()) || !has(months, d.getUTCMonth() + 1)) {
          t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
        } else if (!dayMatches(d)) {
          t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
        } else if (!has(hours, d.getUTCHours())) {
          t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
        } else if (!has(minutes, d.getUTCMinutes())) {
          t += 60_000;
        } else return t;
      }
      return Number.POSITIVE_INFINITY;
    },
  };
}
