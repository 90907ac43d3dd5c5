import { z } from 'zod';
import { MAX_CAUSATION_DEPTH_ENV } from '../functions/kernel/events/causation.js';
import {
  BREAKER_KNOB_NAMES,
  BREAKER_KNOBS,
  type BreakerKnob,
  type BreakerSettings,
  breakerEnvironment,
  breakerVariable,
  CIRCUIT_BREAKER_ENABLED_ENV,
  CIRCUIT_NAMES,
  type CircuitName,
  knobAllowed,
  knobSchema,
} from '../functions/kernel/resilience/settings.js';
import { RETRY_MAX_ATTEMPTS_ENV } from '../functions/kernel/sdk-retry.js';
import {
  DEPLOYMENT_STRATEGIES,
  type DeploymentAlarmThresholds,
  type DeploymentStrategy,
} from './constructs/live-deployment.js';

/**
 * The platform's configuration, read once from the environment and validated. Every knob a user of the
 * platform knows by its environment name (TRACING_ENABLED, CHAOS_MONKEY_PROBABILITY, ...) is here, with what
 * is allowed; a wrong value stops synth with one line naming the key.
 */

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'INVALID_CONFIGURATION';
  constructor(
    readonly key: string,
    readonly allowed: string,
    readonly received: string | undefined,
  ) {
    super(
      `Invalid configuration: ${key}=${JSON.stringify(received ?? '')} is not allowed; ${key} must be ${allowed}`,
    );
  }
}

/** One environment key: its parser and a human description of what is allowed. */
interface Knob<T> {
  readonly allowed: string;
  readonly schema: z.ZodType<T>;
}

const bool = (fallback: boolean): Knob<boolean> => ({
  allowed: '"true" or "false"',
  schema: z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true'),
});

const number = (fallback: number, min: number, max: number, int = false): Knob<number> => ({
  allowed: `${int ? 'an integer' : 'a number'} from ${min} to ${max}`,
  schema: z
    .string()
    .default(String(fallback))
    .transform((v) => (v.trim() === '' ? Number.NaN : Number(v)))
    .pipe(int ? z.number().int().min(min).max(max) : z.number().min(min).max(max)),
});

const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T): Knob<T> => ({
  allowed: `one of ${values.join(', ')}`,
  schema: z.enum(values).default(fallback) as unknown as z.ZodType<T>,
});

const optionalMatching = (pattern: RegExp, allowed: string): Knob<string | undefined> => ({
  allowed,
  schema: z.string().regex(pattern).optional(),
});

/** A provider's base URL: https only (a deployment's real provider), at most 2048 characters. */
const optionalHttpsUrl = (): Knob<string | undefined> => ({
  allowed: 'an https:// URL',
  schema: z
    .string()
    .max(2048)
    .refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:')
    .optional(),
});

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** A comma-separated list of IAM role (or user) ARNs; blank is none. */
const arnList = (): Knob<readonly string[]> => ({
  allowed: 'IAM role ARNs (arn:aws:iam::<account>:role/<name>), comma-separated',
  schema: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((arn) => arn.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(ROLE_ARN)).max(20)),
});

/** `<from>-<to>`: whole hours of the day, from inclusive, to exclusive (`9-17` is 09:00 to 16:59). */
const businessHours = (fallback: string): Knob<readonly [number, number]> => ({
  allowed: '<from>-<to>, whole hours from 0 to 24 with from < to (e.g. 9-17)',
  schema: z
    .string()
    .default(fallback)
    .pipe(z.string().regex(/^\d{1,2}-\d{1,2}$/))
    .transform((v) => v.split('-').map(Number) as [number, number])
    .refine(([from, to]) => from >= 0 && to <= 24 && from < to),
});

/** A breaker knob: bounds and default declared once, in the kernel that reads it (resilience/settings.ts). */
const breakerKnob = (knob: BreakerKnob): Knob<number> => {
  const { fallback, min, max, int } = BREAKER_KNOBS[knob];
  return number(fallback, min, max, int);
};

/** Reserved concurrency by function, `<service>/<function id>=<n>` comma-separated; over the stage's defaults. */
const reservations = (): Knob<Readonly<Record<string, number>>> => ({
  allowed: '<service>/<function id>=<integer 1 to 1000>, comma-separated (e.g. payments/Commands=50)',
  schema: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z]+\/[A-Za-z][A-Za-z0-9]*=\d{1,4}$/)).max(100))
    .transform((pairs) => Object.fromEntries(pairs.map((p) => [p.split('=')[0]!, Number(p.split('=')[1])])))
    .pipe(z.record(z.string(), z.number().int().min(1).max(1000))),
});

const KNOBS = {
  STAGE: oneOf(STAGES, 'dev'),
  CDK_DEFAULT_ACCOUNT: optionalMatching(/^\d{12}$/, 'a 12-digit AWS account id'),
  CDK_DEFAULT_REGION: optionalMatching(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'INFO'),
  TRACING_ENABLED: bool(true),
  TRACING_SAMPLING_RATE: number(0.1, 0, 1),
  // No fallback here: the default is the stage's (`StageDefaults.chaosEnabled`).
  CHAOS_ENABLED: {
    allowed: '"true" or "false"',
    schema: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
  } satisfies Knob<boolean | undefined>,
  CHAOS_MONKEY_ENABLED: bool(false),
  CHAOS_MONKEY_PROBABILITY: number(0.1, 0, 1),
  CHAOS_MONKEY_HOURS: businessHours('9-17'),
  CHAOS_MONKEY_TIMEZONE: {
    allowed: 'an IANA time zone such as UTC or Europe/Paris',
    schema: z
      .string()
      .default('UTC')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }),
  } satisfies Knob<string>,
  CIRCUIT_BREAKER_ENABLED: bool(true),
  CIRCUIT_BREAKER_FAILURE_THRESHOLD: breakerKnob('failureThreshold'),
  CIRCUIT_BREAKER_FAILURE_RATE_THRESHOLD: breakerKnob('failureRateThreshold'),
  CIRCUIT_BREAKER_MINIMUM_VOLUME: breakerKnob('minimumVolume'),
  CIRCUIT_BREAKER_WINDOW_SECONDS: breakerKnob('windowSeconds'),
  CIRCUIT_BREAKER_SUCCESS_THRESHOLD: breakerKnob('successThreshold'),
  CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS: breakerKnob('resetTimeoutSeconds'),
  CIRCUIT_BREAKER_CACHE_SECONDS: breakerKnob('cacheSeconds'),
  MAX_CAUSATION_DEPTH: number(16, 2, 100, true),
  PROJECTOR_MAX_CONCURRENCY: number(2, 2, 1000, true),
  RESERVED_CONCURRENCY: reservations(),
  RETRY_MAX_ATTEMPTS: number(3, 0, 10, true),
  ADMIN_ROLE_ARNS: arnList(),
  PAYMENT_PROVIDER_URL: optionalHttpsUrl(),
  PAYMENT_PROVIDER_TIMEOUT_MS: number(2000, 100, 8000, true),
  CARRIER_URL: optionalHttpsUrl(),
  CARRIER_TIMEOUT_MS: number(2000, 100, 8000, true),
  // No fallback here: the default is the stage's (`StageDefaults.deploymentStrategy`).
  DEPLOYMENT_STRATEGY: {
    allowed: `one of ${DEPLOYMENT_STRATEGIES.join(', ')}`,
    schema: z.enum(DEPLOYMENT_STRATEGIES).optional(),
  } satisfies Knob<DeploymentStrategy | undefined>,
} as const;

export type ConfigKey = keyof typeof KNOBS;
export const CONFIG_KEYS = Object.keys(KNOBS) as ConfigKey[];

type Parsed = { [K in ConfigKey]: (typeof KNOBS)[K] extends Knob<infer T> ? T : never };

export interface PlatformConfig {
  readonly stage: Stage;
  /** Undefined means environment-agnostic stacks: `cdk synth` then needs no account and makes no lookup. */
  readonly account?: string;
  readonly region?: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly tracing: { readonly enabled: boolean; readonly samplingRate: number };
  /** Chaos engineering (the chaos stack, fault injection on the participating functions): see README "Chaos". */
  readonly chaos: {
    /** CHAOS_ENABLED, else the stage's default (dev on, prod off). */
    readonly enabled: boolean;
    /** The chaos monkey: off unless CHAOS_MONKEY_ENABLED, and then only where chaos is enabled. */
    readonly monkey: {
      readonly enabled: boolean;
      /** Chance that one hourly roll starts an experiment. */
      readonly probability: number;
      /** Business hours `[from, to)` on working days, in `timeZone`. */
      readonly hours: readonly [number, number];
      readonly timeZone: string;
    };
  };
  /**
   * The circuit breakers' thresholds (kernel/resilience), platform-wide, and per circuit where
   * `CIRCUIT_BREAKER_<CIRCUIT>_<KNOB>` (e.g. `CIRCUIT_BREAKER_PAYMENT_PROVIDER_FAILURE_THRESHOLD`) is set.
   */
  readonly circuitBreaker: BreakerSettings & {
    readonly enabled: boolean;
    readonly overrides: Readonly<Partial<Record<CircuitName, Partial<BreakerSettings>>>>;
  };
  /** Bulkheads: see README "Resilience". */
  readonly bulkheads: {
    /** Reserved concurrency by `<service>/<function id>`: the stage's defaults, then RESERVED_CONCURRENCY. */
    readonly reservedConcurrency: Readonly<Record<string, number>>;
    /** Batches a projector's queue hands its function at once (the SQS event source's MaximumConcurrency). */
    readonly projectorMaxConcurrency: number;
  };
  /** Causation depth past which a handler refuses to create an event (the loop guard). */
  readonly maxCausationDepth: number;
  readonly retry: { readonly maxAttempts: number };
  /**
   * IAM principals that are GraphQL admins (the stage's operators' roles). Any other IAM caller is a service
   * with no admin rights; people are admins by the user pool's admin group. @default none
   */
  readonly adminRoleArns: readonly string[];
  /** The outbound dependencies payments and shipping call over HTTP, each through its handler's adapter. */
  readonly providers: { readonly paymentProvider: ProviderConfig; readonly carrier: ProviderConfig };
  /** What differs between stages: derived from `stage`, never set one by one. */
  readonly stageDefaults: StageDefaults;
  /** How a deploy shifts traffic to new versions: DEPLOYMENT_STRATEGY, else the stage's default. */
  readonly deployment: {
    readonly strategy: DeploymentStrategy;
    readonly alarms: DeploymentAlarmThresholds;
  };
}

export interface ProviderConfig {
  /**
   * A real provider's base URL. @default - the sandbox deployed with the app, found through service discovery
   * (`/commerceforge/<stage>/sandbox/<provider>/url`)
   */
  readonly url?: string;
  /** One call's timeout: shorter than the calling function's (10 s), so an outage is an answer, not a hang. */
  readonly timeoutMs: number;
}

export interface StageDefaults {
  /** Days CloudWatch keeps function and state machine logs. */
  readonly logRetentionDays: number;
  /** Whether stateful resources (tables, archives, queues) survive `cdk destroy`. */
  readonly retainData: boolean;
  /** AppSync API keys exist only where people experiment; prod uses Cognito and IAM. */
  readonly apiKeyEnabled: boolean;
  /** Days the bus archive keeps events for replay; 0 keeps them indefinitely. */
  readonly archiveRetentionDays: number;
  /** Point-in-time recovery on tables. */
  readonly pointInTimeRecovery: boolean;
  /** What every GraphQL API of the stage refuses per request (AppSync enforces it; so does the local cloud). */
  readonly graphqlLimits: GraphqlLimits;
  /**
   * Requests one client IP may send the GraphQL APIs in 5 minutes before a WAF rate-based rule blocks it.
   * Undefined: no web ACL (dev, and the local cloud, which has no WAF).
   */
  readonly apiRateLimitPer5Minutes?: number;
  /**
   * Reserved concurrency by `<service>/<function id>` (a bulkhead: the function always has it, and never takes
   * more). None on dev: the local cloud honours it, and the bench's 16 orders at a time must not be throttled.
   */
  readonly reservedConcurrency: Readonly<Record<string, number>>;
  /** What the SLO alarms hold the stage to (the observability stack's alarms, to the alarm topic). */
  readonly slo: SloThresholds;
  /** How CodeDeploy and Step Functions shift a `live` alias unless DEPLOYMENT_STRATEGY says otherwise. */
  readonly deploymentStrategy: DeploymentStrategy;
  /** What the alarms on every `live` alias hold a new version to while traffic shifts (rollback). */
  readonly deploymentAlarms: DeploymentAlarmThresholds;
  /** Whether the chaos stack and fault injection exist unless CHAOS_ENABLED says otherwise. */
  readonly chaosEnabled: boolean;
}

/** Service-level objectives: each one an alarm to the alarm topic; missing data never breaches. */
export interface SloThresholds {
  /** Sagas that must succeed, in percent of those started in 5 minutes (below: alarm). */
  readonly sagaSuccessRatePercent: number;
  /** Fewer sagas started in 5 minutes than this: too few to judge the rate (no datapoint, no alarm). */
  readonly sagaMinStarts: number;
  /** p99 of orders' Commands function (what placeOrder waits for) over 5 minutes, in milliseconds. */
  readonly placeOrderP99Millis: number;
  /** Lambda throttles across the account and region in 5 minutes that alarm. */
  readonly lambdaThrottles: number;
}

export interface GraphqlLimits {
  /** Deepest field a query may select (AppSync: 1–75): deeper fields fail with QueryDepthLimitReached. */
  readonly queryDepthLimit: number;
  /**
   * Resolvers one request may run (AppSync: 1–10000), aliases included: past it they fail with
   * ResolverExecutionLimitReached and never invoke their Lambda. The app's widest legitimate query is a list
   * (products with their rating, a customer's orders with payment and customer): one resolver per item.
   */
  readonly resolverCountLimit: number;
  /** Whether `__schema`/`__type` may be queried: on where people explore the API, off in prod. */
  readonly introspection: boolean;
}

const STAGE_DEFAULTS: Record<Stage, StageDefaults> = {
  dev: {
    logRetentionDays: 7,
    retainData: false,
    apiKeyEnabled: true,
    archiveRetentionDays: 7,
    pointInTimeRecovery: true,
    graphqlLimits: { queryDepthLimit: 8, resolverCountLimit: 100, introspection: true },
    reservedConcurrency: {},
    // People try declines and outages here: a loose objective that still catches a broken saga.
    slo: { sagaSuccessRatePercent: 50, sagaMinStarts: 10, placeOrderP99Millis: 5000, lambdaThrottles: 10 },
    // People deploy often and break things on purpose (game days): no traffic shifting to wait for.
    deploymentStrategy: 'all-at-once',
    deploymentAlarms: { errors: 5, throttles: 5, p99TimeoutPercent: 90 },
    chaosEnabled: true,
  },
  prod: {
    logRetentionDays: 365,
    retainData: true,
    apiKeyEnabled: false,
    archiveRetentionDays: 0,
    pointInTimeRecovery: true,
    graphqlLimits: { queryDepthLimit: 8, resolverCountLimit: 100, introspection: false },
    apiRateLimitPer5Minutes: 2000,
    // The saga's steps and placeOrder keep capacity whatever floods the rest (400 of the account's 1,000).
    reservedConcurrency: {
      'orders/Commands': 100,
      'inventory/Commands': 100,
      'payments/Commands': 100,
      'shipping/Commands': 100,
    },
    slo: { sagaSuccessRatePercent: 90, sagaMinStarts: 20, placeOrderP99Millis: 2000, lambdaThrottles: 1 },
    // A new version meets 10% of customers for 5 minutes before the rest; one error there rolls it back.
    deploymentStrategy: 'canary',
    deploymentAlarms: { errors: 1, throttles: 1, p99TimeoutPercent: 80 },
    // Faults in front of customers are a decision, not a default.
    chaosEnabled: false,
  },
};

/**
 * Reads and validates the configuration. Blank values count as unset. Throws a `ConfigError` for the first
 * bad key (in the order of CONFIG_KEYS, so the message is stable).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): PlatformConfig {
  const parsed = {} as Record<ConfigKey, unknown>;
  for (const key of CONFIG_KEYS) {
    const raw = env[key];
    const value = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
    const knob = KNOBS[key] as Knob<unknown>;
    const result = knob.schema.safeParse(value);
    if (!result.success) throw new ConfigError(key, knob.allowed, raw);
    parsed[key] = result.data;
  }
  const p = parsed as Parsed;
  const chaosEnabled = p.CHAOS_ENABLED ?? STAGE_DEFAULTS[p.STAGE].chaosEnabled;
  if (p.CHAOS_MONKEY_ENABLED && !chaosEnabled)
    throw new ConfigError(
      'CHAOS_MONKEY_ENABLED',
      `"false" while chaos is off (set CHAOS_ENABLED=true; on ${p.STAGE} it is off by default)`,
      env.CHAOS_MONKEY_ENABLED,
    );
  return Object.freeze({
    stage: p.STAGE,
    account: p.CDK_DEFAULT_ACCOUNT,
    region: p.CDK_DEFAULT_REGION,
    logLevel: p.LOG_LEVEL,
    tracing: { enabled: p.TRACING_ENABLED, samplingRate: p.TRACING_SAMPLING_RATE },
    chaos: {
      enabled: chaosEnabled,
      monkey: {
        enabled: p.CHAOS_MONKEY_ENABLED,
        probability: p.CHAOS_MONKEY_PROBABILITY,
        hours: p.CHAOS_MONKEY_HOURS,
        timeZone: p.CHAOS_MONKEY_TIMEZONE,
      },
    },
    circuitBreaker: {
      enabled: p.CIRCUIT_BREAKER_ENABLED,
      failureThreshold: p.CIRCUIT_BREAKER_FAILURE_THRESHOLD,
      failureRateThreshold: p.CIRCUIT_BREAKER_FAILURE_RATE_THRESHOLD,
      minimumVolume: p.CIRCUIT_BREAKER_MINIMUM_VOLUME,
      windowSeconds: p.CIRCUIT_BREAKER_WINDOW_SECONDS,
      successThreshold: p.CIRCUIT_BREAKER_SUCCESS_THRESHOLD,
      resetTimeoutSeconds: p.CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS,
      cacheSeconds: p.CIRCUIT_BREAKER_CACHE_SECONDS,
      overrides: breakerOverrides(env),
    },
    bulkheads: {
      reservedConcurrency: { ...STAGE_DEFAULTS[p.STAGE].reservedConcurrency, ...p.RESERVED_CONCURRENCY },
      projectorMaxConcurrency: p.PROJECTOR_MAX_CONCURRENCY,
    },
    maxCausationDepth: p.MAX_CAUSATION_DEPTH,
    retry: { maxAttempts: p.RETRY_MAX_ATTEMPTS },
    adminRoleArns: Object.freeze([...p.ADMIN_ROLE_ARNS]),
    providers: {
      paymentProvider: {
        ...(p.PAYMENT_PROVIDER_URL ? { url: p.PAYMENT_PROVIDER_URL } : {}),
        timeoutMs: p.PAYMENT_PROVIDER_TIMEOUT_MS,
      },
      carrier: { ...(p.CARRIER_URL ? { url: p.CARRIER_URL } : {}), timeoutMs: p.CARRIER_TIMEOUT_MS },
    },
    stageDefaults: STAGE_DEFAULTS[p.STAGE],
    deployment: {
      strategy: p.DEPLOYMENT_STRATEGY ?? STAGE_DEFAULTS[p.STAGE].deploymentStrategy,
      alarms: STAGE_DEFAULTS[p.STAGE].deploymentAlarms,
    },
  });
}

/** `CIRCUIT_BREAKER_<CIRCUIT>_<KNOB>` values that are set, validated like the platform-wide knobs. */
function breakerOverrides(
  env: Readonly<Record<string, string | undefined>>,
): Partial<Record<CircuitName, Partial<BreakerSettings>>> {
  const overrides: Partial<Record<CircuitName, Partial<BreakerSettings>>> = {};
  for (const circuit of CIRCUIT_NAMES) {
    for (const knob of BREAKER_KNOB_NAMES) {
      const key = breakerVariable(knob, circuit);
      const raw = env[key];
      if (raw === undefined || raw.trim() === '') continue;
      const result = knobSchema(knob).safeParse(raw.trim());
      if (!result.success) throw new ConfigError(key, knobAllowed(knob), raw);
      overrides[circuit] = { ...overrides[circuit], [knob]: result.data };
    }
  }
  return overrides;
}

/**
 * The runtime knobs as Lambda environment variables, under the names users know, so a handler reads the
 * same configuration the app was synthesized with.
 */
export function runtimeEnvironment(config: PlatformConfig): Record<string, string> {
  return {
    STAGE: config.stage,
    TRACING_ENABLED: String(config.tracing.enabled),
    TRACING_SAMPLING_RATE: String(config.tracing.samplingRate),
    CHAOS_MONKEY_ENABLED: String(config.chaos.monkey.enabled),
    CHAOS_MONKEY_PROBABILITY: String(config.chaos.monkey.probability),
    [CIRCUIT_BREAKER_ENABLED_ENV]: String(config.circuitBreaker.enabled),
    ...breakerEnvironment(config.circuitBreaker, config.circuitBreaker.overrides),
    [MAX_CAUSATION_DEPTH_ENV]: String(config.maxCausationDepth),
    [RETRY_MAX_ATTEMPTS_ENV]: String(config.retry.maxAttempts),
  };
}
