/**
 * The faults of running actions, applied to the targeted functions' local invocations as the FIS Lambda
 * extension applies them in AWS: each invocation draws against `invocationPercentage` per action; a delay
 * holds the invocation (and its execution environment) before the handler; an error or an HTTP integration
 * response either answers instead of the handler (`preventExecution: true`) or replaces what it returned.
 */

import type { LocalFunction } from '../lambda/functions.js';
import type { InvocationInterceptor, InvocationOutcome } from '../lambda/interceptors.js';
import { qualifiedVersions, type ResolvedFunction } from './targets.js';

/**
 * The `errorType` of an injected error. What the FIS extension itself reports is not documented (nor found in
 * public sources), so the local name says plainly what happened; callers see an unhandled function error
 * (`x-amz-function-error: Unhandled`), as with any function that fails.
 */
export const INJECTED_ERROR_TYPE = 'FisInjectedError';

export interface ActiveFault {
  readonly experimentId: string;
  readonly actionName: string;
  readonly actionId: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly targets: readonly ResolvedFunction[];
  /** Invocations of the targets seen while active, and those the fault was injected into. */
  seen: number;
  injected: number;
}

export interface FaultInjectorOptions {
  /** Draws for `invocationPercentage` and the like. @default Math.random */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class FaultInjector {
  private readonly faults = new Set<ActiveFault>();
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: FaultInjectorOptions = {}) {
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Applies the fault from now on; returns how to end it. */
  add(fault: ActiveFault): () => void {
    this.faults.add(fault);
    return () => this.faults.delete(fault);
  }

  get active(): readonly ActiveFault[] {
    return [...this.faults];
  }

  readonly interceptor: InvocationInterceptor = async ({ fn, version, waitIdle }) => {
    if (this.faults.size === 0) return undefined;
    const matching = [...this.faults].filter((fault) => fault.targets.some((t) => targets(t, fn, version)));
    if (matching.length === 0) return undefined;
    for (const fault of matching) fault.seen += 1;
    for (const fault of matching.filter((f) => f.actionId === 'aws:lambda:invocation-add-delay')) {
      if (!this.hit(fault)) continue;
      const delay = () => this.sleep(Number(fault.parameters.startupDelayMilliseconds ?? 1000));
      await (waitIdle ? waitIdle(delay) : delay());
    }
    for (const fault of matching) {
      const outcome = faultOutcome(fault);
      if (!outcome || !this.hit(fault)) continue;
      return fault.parameters.preventExecution === 'true' ? { answer: outcome } : { replace: () => outcome };
    }
    return undefined;
  };

  private hit(fault: ActiveFault): boolean {
    const percentage = Number(fault.parameters.invocationPercentage ?? 100);
    if (this.random() * 100 >= percentage) return false;
    fault.injected += 1;
    return true;
  }
}

function targets(target: ResolvedFunction, fn: LocalFunction, version: string): boolean {
  if (target.name !== fn.name) return false;
  return (
    target.qualifier === undefined ||
    qualifiedVersions(target.qualifier, fn.aliases, fn.aliasRouting).has(version)
  );
}

function faultOutcome(fault: ActiveFault): InvocationOutcome | undefined {
  if (fault.actionId === 'aws:lambda:invocation-error') {
    return {
      ok: false,
      error: {
        errorType: INJECTED_ERROR_TYPE,
        errorMessage: `Error injected by AWS FIS experiment ${fault.experimentId} (action ${fault.actionName})`,
        trace: [],
      },
    };
  }
  if (fault.actionId === 'aws:lambda:invocation-http-integration-response') {
    const contentType = fault.parameters.contentTypeHeader;
    return {
      ok: true,
      // What a function URL, API Gateway or an ALB maps to an HTTP response.
      payload: JSON.stringify({
        statusCode: Number(fault.parameters.statusCode),
        ...(contentType ? { headers: { 'Content-Type': contentType } } : {}),
        body: '',
      }),
    };
  }
  return undefined;
}
