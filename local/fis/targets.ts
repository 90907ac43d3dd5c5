/**
 * Target resolution as FIS does it for `aws:lambda:function`: the functions named by `resourceArns`, or
 * those carrying every one of `resourceTags`, then `selectionMode` (ALL, COUNT(n) or PERCENT(n), chosen at
 * random), with the `functionQualifier` parameter (or the ARN's qualifier) saying which version or alias.
 */
import { LAMBDA_FUNCTION_TARGET } from './actions.js';
import type { TemplateTarget } from './templates.js';

/** A local function as target resolution sees it. */
export interface TargetableFunction {
  readonly name: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ResolvedFunction {
  readonly name: string;
  readonly arn: string;
  /** The version or alias the faults apply to; every invocation of the function when absent. */
  readonly qualifier?: string;
}

/** A target FIS could not resolve: the experiment fails with this as its reason. */
export class TargetResolutionError extends Error {
  override readonly name = 'TargetResolutionError';
}

export function resolveLambdaTarget(
  targetName: string,
  target: TemplateTarget,
  functions: readonly TargetableFunction[],
  random: () => number = Math.random,
): ResolvedFunction[] {
  if (target.resourceType !== LAMBDA_FUNCTION_TARGET) {
    throw new TargetResolutionError(
      `target ${targetName}: resource type ${target.resourceType} is not run locally (only ${LAMBDA_FUNCTION_TARGET})`,
    );
  }
  if (target.filters?.length) {
    throw new TargetResolutionError(`target ${targetName}: filters are not evaluated by the local FIS`);
  }
  const qualifier = target.parameters?.functionQualifier;
  let candidates: ResolvedFunction[];
  if (target.resourceArns) {
    candidates = target.resourceArns.map((arn) => {
      // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
      const [, , , , , , name = '', arnQualifier] = arn.split(':');
      const fn = functions.find((candidate) => candidate.name === name);
      if (!fn) throw new TargetResolutionError(`target ${targetName}: no local function ${arn}`);
      const wanted = qualifier ?? arnQualifier;
      return { name: fn.name, arn: fn.arn, ...(wanted ? { qualifier: wanted } : {}) };
    });
  } else {
    const tags = Object.entries(target.resourceTags ?? {});
    candidates = functions
      .filter((fn) => tags.every(([key, value]) => fn.tags[key] === value))
      .map((fn) => ({ name: fn.name, arn: fn.arn, ...(qualifier ? { qualifier } : {}) }));
  }
  return select(candidates, target.selectionMode, random);
}

/**
 * FIS's selection modes. PERCENT(n) rounds up, so a positive percentage of a non-empty set picks at least one
 * (FIS does not document its rounding; this is the local choice).
 */
export function select<T>(items: readonly T[], mode: string, random: () => number = Math.random): T[] {
  if (mode === 'ALL') return [...items];
  const count = /^COUNT\((\d+)\)$/.exec(mode);
  const percent = /^PERCENT\((\d+)\)$/.exec(mode);
  let wanted: number;
  if (count) wanted = Number(count[1]);
  else if (percent) wanted = Math.ceil((Number(percent[1]) / 100) * items.length);
  else throw new TargetResolutionError(`selectionMode ${mode} is not ALL, COUNT(n) or PERCENT(n)`);
  // A partial Fisher-Yates shuffle: the first `wanted` places hold a uniform random sample.
  const pool = [...items];
  const take = Math.min(wanted, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, take);
}

/** The versions a qualifier stands for now: itself, or an alias's version(s), so an alias shift is followed. */
export function qualifiedVersions(
  qualifier: string,
  aliases: ReadonlyMap<string, string>,
  aliasRouting: ReadonlyMap<string, Readonly<Record<string, number>>>,
): Set<string> {
  const primary = aliases.get(qualifier);
  if (primary === undefined) return new Set([qualifier]);
  return new Set([primary, ...Object.keys(aliasRouting.get(qualifier) ?? {})]);
}
