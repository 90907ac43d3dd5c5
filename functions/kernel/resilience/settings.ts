import { KernelConfigurationError } from '../errors.js';
import * as z from '../zod.js';

/**
 * The circuit breaker's knobs, declared once: their defaults and bounds here, read by the kernel from the
 * function's environment (`breakerSettingsFromEnvironment`), and by `lib/config.ts` from the environment the
 * app is synthesized in (`CIRCUIT_BREAKER_<KNOB>`, or `CIRCUIT_BREAKER_<CIRCUIT>_<KNOB>` for one circuit).
 */

/** The outbound dependencies the platform protects: one circuit each. */
export const CIRCUIT_NAMES = ['payment-provider', 'carrier'] as const;
export type CircuitName = (typeof CIRCUIT_NAMES)[number];

/** The state table's name reaches a function in this variable (set by `CircuitBreakerTable.grant`). */
export const CIRCUIT_BREAKER_TABLE_ENV = 'CIRCUIT_BREAKER_TABLE';
/** `false` turns every breaker into a pass-through (calls always go). */
export const CIRCUIT_BREAKER_ENABLED_ENV = 'CIRCUIT_BREAKER_ENABLED';

interface KnobSpec {
  readonly variable: string;
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  readonly int: boolean;
  readonly description: string;
}

export const BREAKER_KNOBS = {
  failureThreshold: {
    variable: 'FAILURE_THRESHOLD',
    fallback: 5,
    min: 1,
    max: 100,
    int: true,
    description: 'consecutive failures that open the circuit',
  },
  failureRateThreshold: {
    variable: 'FAILURE_RATE_THRESHOLD',
    fallback: 0.5,
    min: 0.01,
    max: 1,
    int: false,
    description: 'share of failed calls in the window that opens the circuit (with the minimum volume)',
  },
  minimumVolume: {
    variable: 'MINIMUM_VOLUME',
    fallback: 10,
    min: 1,
    max: 10_000,
    int: true,
    description: 'calls in the window before the failure rate counts',
  },
  windowSeconds: {
    variable: 'WINDOW_SECONDS',
    fallback: 60,
    min: 1,
    max: 3600,
    int: true,
    description: 'length of the rolling window of the failure rate',
  },
  successThreshold: {
    variable: 'SUCCESS_THRESHOLD',
    fallback: 2,
    min: 1,
    max: 100,
    int: true,
    description: 'successful half-open probes that close the circuit',
  },
  resetTimeoutSeconds: {
    variable: 'RESET_TIMEOUT_SECONDS',
    fallback: 60,
    min: 1,
    max: 3600,
    int: true,
    description: 'how long an open circuit refuses calls before a probe',
  },
  cacheSeconds: {
    variable: 'CACHE_SECONDS',
    fallback: 5,
    min: 0,
    max: 60,
    int: true,
    description: 'how long an execution environment trusts the state it read',
  },
} as const satisfies Record<string, KnobSpec>;

export type BreakerKnob = keyof typeof BREAKER_KNOBS;
export type BreakerSettings = { readonly [K in BreakerKnob]: number };
export const BREAKER_KNOB_NAMES = Object.keys(BREAKER_KNOBS) as BreakerKnob[];

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = Object.freeze(
  Object.fromEntries(BREAKER_KNOB_NAMES.map((k) => [k, BREAKER_KNOBS[k].fallback])) as BreakerSettings,
);

/** `CIRCUIT_BREAKER_FAILURE_THRESHOLD`, or `CIRCUIT_BREAKER_PAYMENT_PROVIDER_FAILURE_THRESHOLD` for one circuit. */
export function breakerVariable(knob: BreakerKnob, circuit?: CircuitName): string {
  const scope = circuit ? `${circuit.toUpperCase().replace(/-/g, '_')}_` : '';
  return `CIRCUIT_BREAKER_${scope}${BREAKER_KNOBS[knob].variable}`;
}

/** The zod schema of one knob's value (a string from the environment). */
export function knobSchema(knob: BreakerKnob): z.ZodMiniType<number, string> {
  const { min, max, int } = BREAKER_KNOBS[knob];
  const n = int
    ? z.number().check(z.int(), z.gte(min), z.lte(max))
    : z.number().check(z.gte(min), z.lte(max));
  return z.pipe(
    z.pipe(
      z.string(),
      z.transform((v) => (v.trim() === '' ? Number.NaN : Number(v))),
    ),
    n,
  );
}

export function knobAllowed(knob: BreakerKnob): string {
  const { min, max, int } = BREAKER_KNOBS[knob];
  return `${int ? 'an integer' : 'a number'} from ${min} to ${max}`;
}

/**
 * The settings of one circuit in a function: its own variable, else the platform-wide one, else the default.
 * A value out of bounds is a `KernelConfigurationError` (the synth-time config refuses it first).
 */
export function breakerSettingsFromEnvironment(
  circuit: CircuitName,
  env: Readonly<Record<string, string | undefined>> = process.env,
): BreakerSettings {
  const settings = {} as Record<BreakerKnob, number>;
  for (const knob of BREAKER_KNOB_NAMES) {
    const variable = [breakerVariable(knob, circuit), breakerVariable(knob)].find((v) => env[v]?.trim());
    if (!variable) {
      settings[knob] = BREAKER_KNOBS[knob].fallback;
      continue;
    }
    const parsed = knobSchema(knob).safeParse(env[variable]);
    if (!parsed.success) {
      throw new KernelConfigurationError(
        `${variable}=${JSON.stringify(env[variable])}: must be ${knobAllowed(knob)}`,
      );
    }
    settings[knob] = parsed.data;
  }
  return settings;
}

/** The variables that carry `settings` (and per-circuit `overrides`) to a function. */
export function breakerEnvironment(
  settings: BreakerSettings,
  overrides: Partial<Record<CircuitName, Partial<BreakerSettings>>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const knob of BREAKER_KNOB_NAMES) env[breakerVariable(knob)] = String(settings[knob]);
  for (const circuit of CIRCUIT_NAMES) {
    for (const knob of BREAKER_KNOB_NAMES) {
      const value = overrides[circuit]?.[knob];
      if (value !== undefined) env[breakerVariable(knob, circuit)] = String(value);
    }
  }
  return env;
}
