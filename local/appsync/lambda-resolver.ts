/**
 * A direct Lambda resolver: AppSync's invocation event, the function's result as the field's value, and a
 * function error as a GraphQL error whose `errorType` and `message` are Lambda's `errorType` and
 * `errorMessage`. With `MaxBatchSize`, calls for the same field made while one request resolves a level go
 * to the function as one array of events (up to the size), and the array it returns is spread back.
 */
import { type GraphQLResolveInfo, Kind, print, type SelectionSetNode } from 'graphql';
import { AwsError, type LambdaInvoker } from '../core/aws-service.js';
import type { Caller } from './auth.js';
import { AppSyncError } from './errors.js';
import type { FieldOrigin } from './merge.js';

export interface RequestContext {
  readonly caller: Caller;
  readonly headers: Readonly<Record<string, string>>;
  /** Delivering a mutation's result to subscribers: no resolver runs, fields read the payload. */
  readonly replay: boolean;
  readonly batches: Map<string, Batch>;
}

interface Pending {
  readonly event: Record<string, unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface Batch {
  pending: Pending[];
}

export interface LambdaPlan {
  readonly origin: FieldOrigin;
  readonly functionArn: string;
  readonly maxBatchSize?: number;
}

export function invocationEvent(
  origin: FieldOrigin,
  parent: unknown,
  args: Record<string, unknown>,
  context: RequestContext,
  info: GraphQLResolveInfo,
): Record<string, unknown> {
  const selectionSet = info.fieldNodes[0]?.selectionSet;
  return {
    arguments: args,
    identity: context.caller.identity,
    source: parent ?? null,
    request: { headers: context.headers, domainName: null },
    prev: null,
    info: {
      selectionSetList: selectionSet ? selectionList(selectionSet, info, '') : [],
      selectionSetGraphQL: selectionSet ? print(selectionSet) : '',
      parentTypeName: origin.typeName,
      fieldName: origin.fieldName,
      variables: info.variableValues,
    },
    stash: {},
  };
}

export async function invokeResolver(
  lambda: LambdaInvoker,
  plan: LambdaPlan,
  event: Record<string, unknown>,
  context: RequestContext,
): Promise<unknown> {
  if (!plan.maxBatchSize || plan.maxBatchSize < 2) {
    return unwrap(await call(lambda, plan.functionArn, event));
  }
  const key = `${plan.origin.source}/${plan.origin.typeName}.${plan.origin.fieldName}`;
  return new Promise((resolve, reject) => {
    let batch = context.batches.get(key);
    if (!batch) {
      const created: Batch = { pending: [] };
      batch = created;
      context.batches.set(key, created);
      // graphql-js resolves a list's items in one pass: by the next turn every sibling has asked.
      setImmediate(() => {
        context.batches.delete(key);
        void flush(lambda, plan, created.pending);
      });
    }
    batch.pending.push({ event, resolve, reject });
  });
}

async function flush(lambda: LambdaInvoker, plan: LambdaPlan, pending: readonly Pending[]): Promise<void> {
  const size = plan.maxBatchSize ?? 1;
  for (let start = 0; start < pending.length; start += size) {
    const chunk = pending.slice(start, start + size);
    try {
      const results = unwrap(
        await call(
          lambda,
          plan.functionArn,
          chunk.map((p) => p.event),
        ),
      );
      if (!Array.isArray(results) || results.length !== chunk.length) {
        throw new AppSyncError(
          'Lambda:InvalidResponse',
          `a batch of ${chunk.length} needs an array of ${chunk.length} results from the function`,
        );
      }
      chunk.forEach((item, index) => {
        const result = results[index] as Record<string, unknown> | null | undefined;
        // A batch item may carry its own error: { data, errorType, errorMessage }.
        if (
          result &&
          typeof result === 'object' &&
          'data' in result &&
          ('errorType' in result || 'errorMessage' in result)
        ) {
          if (result.errorType || result.errorMessage) {
            item.reject(
              new AppSyncError(
                String(result.errorType ?? 'Lambda:Unhandled'),
                String(result.errorMessage ?? ''),
              ),
            );
          } else item.resolve(result.data);
        } else item.resolve(result);
      });
    } catch (error) {
      for (const item of chunk) item.reject(error);
    }
  }
}

async function call(lambda: LambdaInvoker, functionArn: string, payload: unknown) {
  try {
    return await lambda.invoke(functionArn, payload);
  } catch (error) {
    if (error instanceof AwsError) throw new AppSyncError(`Lambda:${error.code}`, error.message);
    throw error;
  }
}

function unwrap(result: Awaited<ReturnType<LambdaInvoker['invoke']>>): unknown {
  if (!result.functionError) return result.payload ?? null;
  const error = (result.payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
  throw new AppSyncError(
    typeof error.errorType === 'string' ? error.errorType : 'Lambda:Unhandled',
    typeof error.errorMessage === 'string' ? error.errorMessage : 'the resolver function failed',
  );
}

/** AppSync's `selectionSetList`: `a`, `b`, `b/c`... with fragments expanded. */
function selectionList(selectionSet: SelectionSetNode, info: GraphQLResolveInfo, prefix: string): string[] {
  const out: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      const path = `${prefix}${selection.name.value}`;
      out.push(path);
      if (selection.selectionSet) out.push(...selectionList(selection.selectionSet, info, `${path}/`));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      out.push(...selectionList(selection.selectionSet, info, prefix));
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) out.push(...selectionList(fragment.selectionSet, info, prefix));
    }
  }
  return [...new Set(out)];
}
