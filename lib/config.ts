import { z } from 'zod';

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

const KNOBS = {
  STAGE: oneOf(STAGES, 'dev'),
  CDK_DEFAULT_ACCOUNT: optionalMatching(/^\d{12}$/, 'a 12-digit AWS account id'),
  CDK_DEFAULT_REGION: optionalMatching(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'INFO'),
  TRACING_ENABLED: bool(true),
  TRACING_SAMPLING_RATE: number(0.1, 0, 1),
  CHAOS_MONKEY_ENABLED: bool(false),
  CHAOS_MONKEY_PROBABILITY: number(0.1, 0, 1),
  CIRCUIT_BREAKER_ENABLED: bool(true),
  CIRCUIT_BREAKER_FAILURE_THRESHOLD: number(5, 1, 100, true),
  CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS: number(30, 1, 3600, true),
  RETRY_MAX_ATTEMPTS: number(3, 0, 10, true),
  ADMIN_ROLE_ARNS: arnList(),
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
  readonly chaos: { readonly enabled: boolean; readonly probability: number };
  readonly circuitBreaker: {
    readonly enabled: boolean;
    readonly failureThreshold: number;
    readonly resetTimeoutSeconds: number;
  };
  readonly retry: { readonly maxAttempts: number };
  /**
   * IAM principals that are GraphQL admins (the stage's operators' roles). Any other IAM caller is a service
   * with no admin rights; people are admins by the user pool's admin group. @default none
   */
  readonly adminRoleArns: readonly string[];
  /** What differs between stages: derived from `stage`, never set one by one. */
  readonly stageDefaults: StageDefaults;
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
  },
  prod: {
    logRetentionDays: 365,
    retainData: true,
    apiKeyEnabled: false,
    archiveRetentionDays: 0,
    pointInTimeRecovery: true,
    graphqlLimits: { queryDepthLimit: 8, resolverCountLimit: 100, introspection: false },
    apiRateLimitPer5Minutes: 2000,
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
  return Object.freeze({
    stage: p.STAGE,
    account: p.CDK_DEFAULT_ACCOUNT,
    region: p.CDK_DEFAULT_REGION,
    logLevel: p.LOG_LEVEL,
    tracing: { enabled: p.TRACING_ENABLED, samplingRate: p.TRACING_SAMPLING_RATE },
    chaos: { enabled: p.CHAOS_MONKEY_ENABLED, probability: p.CHAOS_MONKEY_PROBABILITY },
    circuitBreaker: {
      enabled: p.CIRCUIT_BREAKER_ENABLED,
      failureThreshold: p.CIRCUIT_BREAKER_FAILURE_THRESHOLD,
      resetTimeoutSeconds: p.CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS,
    },
    retry: { maxAttempts: p.RETRY_MAX_ATTEMPTS },
    adminRoleArns: Object.freeze([...p.ADMIN_ROLE_ARNS]),
    stageDefaults: STAGE_DEFAULTS[p.STAGE],
  });
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
    CHAOS_MONKEY_ENABLED: String(config.chaos.enabled),
    CHAOS_MONKEY_PROBABILITY: String(config.chaos.probability),
    CIRCUIT_BREAKER_ENABLED: String(config.circuitBreaker.enabled),
    CIRCUIT_BREAKER_FAILURE_THRESHOLD: String(config.circuitBreaker.failureThreshold),
    CIRCUIT_BREAKER_RESET_TIMEOUT_SECONDS: String(config.circuitBreaker.resetTimeoutSeconds),
    RETRY_MAX_ATTEMPTS: String(config.retry.maxAttempts),
  };
}
