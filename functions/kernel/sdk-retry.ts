/**
 * The retry settings of the kernel's synchronous callers (Lambda Invoke from the GraphQL resolvers, Step
 * Functions StartExecution from a saga's starter): the SDK's standard mode, stated rather than left to the
 * SDK's defaults and its `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE` variables.
 *
 * Standard mode retries throttles (HTTP 429, or an error named `TooManyRequestsException`,
 * `ThrottlingException`, ...: `isThrottlingError` in @smithy/core's retry module) and transient faults
 * (5xx, timeouts, connection resets) with full-jitter backoff: with @smithy/core 3.41, a throttle's n-th
 * retry waits random(0, min(20 s, 1 s × 2ⁿ⁻¹)), another fault's random(0, min(20 s, 50 ms × 2ⁿ⁻¹)), or
 * longer when the service sends Retry-After. A function error (`FunctionError` in a 200 answer) is an answer,
 * never retried here.
 */

/** Attempts in all, the first included (the SDK's `maxAttempts`); `lib/config.ts` sets it on every function. */
export const RETRY_MAX_ATTEMPTS_ENV = 'RETRY_MAX_ATTEMPTS';
/** Without the variable (or with a value that is not a whole number): 3 attempts, the SDK's own default. */
export const DEFAULT_SDK_MAX_ATTEMPTS = 3;

export interface SdkRetryConfig {
  readonly maxAttempts: number;
  readonly retryMode: 'standard';
}

/**
 * The client configuration for `new LambdaClient(sdkRetryConfig())`, `new SFNClient(...)`. `0` and `1` both
 * mean one attempt, no retry (the configuration allows 0 to 10).
 */
export function sdkRetryConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SdkRetryConfig {
  const raw = env[RETRY_MAX_ATTEMPTS_ENV]?.trim();
  const value = raw ? Number(raw) : Number.NaN;
  const maxAttempts = Number.isInteger(value) && value >= 0 ? Math.max(1, value) : DEFAULT_SDK_MAX_ATTEMPTS;
  return { maxAttempts, retryMode: 'standard' };
}
