/**
 * AppSync's per-request limits, read from `AWS::AppSync::GraphQLApi` (`QueryDepthLimit`, `ResolverCountLimit`,
 * `IntrospectionConfig`) and enforced as AppSync documents them (devguide, "Configuring GraphQL run
 * complexity, query depth, and introspection"):
 * - introspection DISABLED: a query selecting `__schema` or `__type` fails validation (`__typename` still
 *   resolves) — graphql-js's NoSchemaIntrospectionCustomRule;
 * - a depth limit: at execution, a field deeper than the limit (a top-level field is depth 1, scalar leaves
 *   count) fails with `QueryDepthLimitReached`, the rest of the answer stays (partial data; a non-null
 *   field's error goes to its first nullable parent, as any field error does);
 * - a resolver count limit: resolvers past it fail with `ResolverExecutionLimitReached` and do not run; the
 *   ones before it run. Every resolver run counts, aliases and list items included.
 */
import {
  type GraphQLResolveInfo,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type ValidationRule,
} from 'graphql';
import { AppSyncError } from './errors.js';

export interface ExecutionLimits {
  /** 1–75; undefined or 0: no depth limit. */
  readonly queryDepthLimit?: number;
  /** 1–10000; undefined or 0: AppSync's default, 10000. */
  readonly resolverCountLimit?: number;
  /** @default true (AppSync's ENABLED) */
  readonly introspection?: boolean;
}

/** AppSync's resolver count when none is set. */
export const DEFAULT_RESOLVER_COUNT_LIMIT = 10_000;

/** The limits in a GraphQLApi's template properties. */
export function readLimits(props: Record<string, unknown>): ExecutionLimits {
  const positive = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);
  const depth = positive(props.QueryDepthLimit);
  const count = positive(props.ResolverCountLimit);
  return {
    ...(depth !== undefined ? { queryDepthLimit: depth } : {}),
    ...(count !== undefined ? { resolverCountLimit: count } : {}),
    introspection: props.IntrospectionConfig !== 'DISABLED',
  };
}

/** The validation rules a request is checked with: graphql-js's, plus no introspection where disabled. */
export function validationRules(limits: ExecutionLimits = {}): readonly ValidationRule[] {
  return limits.introspection === false
    ? [...specifiedRules, NoSchemaIntrospectionCustomRule]
    : specifiedRules;
}

/** A field's depth: the field names on its path (list indexes are not levels). */
export function fieldDepth(info: Pick<GraphQLResolveInfo, 'path'>): number {
  let depth = 0;
  for (let at: GraphQLResolveInfo['path'] | undefined = info.path; at; at = at.prev) {
    if (typeof at.key === 'string') depth++;
  }
  return depth;
}

/** Throws QueryDepthLimitReached for a field below the limit. */
export function checkDepth(
  limits: ExecutionLimits,
  info: Pick<GraphQLResolveInfo, 'path' | 'fieldName'>,
): void {
  const limit = limits.queryDepthLimit;
  if (!limit) return;
  const depth = fieldDepth(info);
  if (depth > limit) {
    throw new AppSyncError(
      'QueryDepthLimitReached',
      `Query depth limit of ${limit} reached: ${info.fieldName} is at depth ${depth}`,
    );
  }
}

/** One request's resolver count: `take()` before each resolver runs, ResolverExecutionLimitReached past it. */
export class ResolverBudget {
  private used = 0;
  constructor(private readonly limit: number = DEFAULT_RESOLVER_COUNT_LIMIT) {}

  get count(): number {
    return this.used;
  }

  take(fieldName: string): void {
    this.used++;
    if (this.used > this.limit) {
      throw new AppSyncError(
        'ResolverExecutionLimitReached',
        `Resolver execution limit of ${this.limit} reached: ${fieldName} was not resolved`,
      );
    }
  }
}
