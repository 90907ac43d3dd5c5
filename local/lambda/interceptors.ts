/**
 * Invocation interceptors: how another part of the local cloud (the local FIS) takes part in functions'
 * invocations without the Lambda service knowing why. An interceptor is asked once an invocation holds its
 * execution environment (as an extension in the sandbox would be), before the handler runs: it may wait
 * (the wait counts in the invocation's duration and holds the environment, as in Lambda), answer instead of
 * the handler, or replace the handler's outcome. Cost when none is registered: one length check.
 */
import type { LambdaErrorPayload } from './execution-environment.js';
import type { LocalFunction } from './functions.js';

export type InvocationOutcome =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly error: LambdaErrorPayload };

export interface InterceptedInvocation {
  readonly fn: LocalFunction;
  /** The version that runs (`$LATEST`, or the number an alias routed to). */
  readonly version: string;
  readonly requestId: string;
  readonly invocationType: 'RequestResponse' | 'Event';
  /**
   * Runs a wait that uses no CPU (an injected delay) as one: the environment stays held, but the local
   * machine's environment budget leaves it out meanwhile (see FunctionPool.sleepWhile).
   */
  readonly waitIdle?: <T>(wait: () => Promise<T>) => Promise<T>;
}

export interface Interception {
  /** Given instead of running the handler. */
  readonly answer?: InvocationOutcome;
  /** Replaces the handler's outcome. */
  readonly replace?: (outcome: InvocationOutcome) => InvocationOutcome;
}

export type InvocationInterceptor = (
  invocation: InterceptedInvocation,
) => Interception | undefined | Promise<Interception | undefined>;

/** Asks each interceptor in turn: the first answer wins; replacements apply in registration order. */
export async function intercept(
  interceptors: readonly InvocationInterceptor[],
  invocation: InterceptedInvocation,
): Promise<Interception | undefined> {
  const replacements: Array<(outcome: InvocationOutcome) => InvocationOutcome> = [];
  for (const interceptor of interceptors) {
    const interception = await interceptor(invocation);
    if (interception?.answer) return { answer: interception.answer };
    if (interception?.replace) replacements.push(interception.replace);
  }
  if (replacements.length === 0) return undefined;
  return { replace: (outcome) => replacements.reduce((current, replace) => replace(current), outcome) };
}
