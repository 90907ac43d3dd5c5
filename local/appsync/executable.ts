/**
 * One GraphQL API as the local cloud serves it: the (merged) schema with AppSync's scalars and directives,
 * every field guarded by its auth directives and run by its resolver plan within the API's depth, resolver
 * count and introspection limits (limits.ts), errors in AppSync's shape, and
 * each successful mutation handed to the subscriptions (its result as the mutation's caller received it).
 */
import {
  buildASTSchema,
  type DirectiveNode,
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FieldNode,
  type GraphQLError,
  type GraphQLFieldResolver,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  GraphQLUnionType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  validate,
} from 'graphql';
import type { LambdaInvoker } from '../core/aws-service.js';
import { type AuthConfig, type AuthDirective, type Caller, fieldAllows } from './auth.js';
import { PREAMBLE_DEFINITIONS } from './builtins.js';
import { AppSyncError } from './errors.js';
import { invocationEvent, invokeResolver, type LambdaPlan, type RequestContext } from './lambda-resolver.js';
import { checkDepth, type ExecutionLimits, ResolverBudget, validationRules } from './limits.js';
import type { MergedField } from './merge.js';
import type { ResolverPlan } from './plan.js';

export interface GraphQLRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

export interface AppSyncErrorJson {
  readonly message: string;
  readonly errorType: string | null;
  readonly path: readonly (string | number)[] | null;
  readonly locations: readonly { line: number; column: number; sourceName: null }[] | null;
  readonly data: null;
  readonly errorInfo: null;
}

export interface AppSyncResponse {
  readonly data?: unknown;
  readonly errors?: AppSyncErrorJson[];
}

export type MutationListener = (mutationField: string, result: unknown) => void;

export interface ExecutableApiOptions {
  readonly name: string;
  /** The type definitions (merged, or one API's own), without AppSync's declarations. */
  readonly document: DocumentNode;
  /** `Type.field` → where the field came from (merged APIs; renamed fields read their old property). */
  readonly fields?: ReadonlyMap<string, MergedField>;
  /** `Type.field` → how its resolver runs. */
  readonly plans: ReadonlyMap<string, ResolverPlan>;
  readonly auth: AuthConfig;
  readonly lambda: LambdaInvoker;
  /** The API's QueryDepthLimit, ResolverCountLimit and IntrospectionConfig. @default AppSync's: none */
  readonly limits?: ExecutionLimits;
}

export class ExecutableApi {
  readonly schema: GraphQLSchema;
  private readonly listeners = new Set<MutationListener>();
  /** Each request's resolver count, by its context (one context per execution). */
  private readonly budgets = new WeakMap<RequestContext, ResolverBudget>();

  constructor(private readonly options: ExecutableApiOptions) {
    this.schema = buildASTSchema({
      kind: Kind.DOCUMENT,
      definitions: [...options.document.definitions, ...PREAMBLE_DEFINITIONS],
    });
    this.wire();
  }

  get name(): string {
    return this.options.name;
  }

  get auth(): AuthConfig {
    return this.options.auth;
  }

  onMutation(listener: MutationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Parses and validates; a string is an error in AppSync's shape. */
  prepare(
    request: GraphQLRequest,
  ): { document: DocumentNode; operation: OperationDefinitionNode } | AppSyncResponse {
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      return failure('MalformedHttpRequestException', 'the request has no query');
    }
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return { errors: [formatError(error as GraphQLError, 'InvalidSyntax')] };
    }
    const invalid = validate(this.schema, document, validationRules(this.options.limits));
    if (invalid.length) return { errors: invalid.map((error) => formatError(error, 'ValidationError')) };
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation =
      typeof request.operationName === 'string'
        ? operations.find((o) => o.name?.value === request.operationName)
        : operations.length === 1
          ? operations[0]
          : undefined;
    if (!operation) {
      return failure(
        'ValidationError',
        'name the operation to run: operationName does not match one operation',
      );
    }
    return { document, operation };
  }

  async run(
    request: GraphQLRequest,
    caller: Caller,
    headers: Record<string, string>,
  ): Promise<AppSyncResponse> {
    const prepared = this.prepare(request);
    if (!('document' in prepared)) return prepared;
    const { document, operation } = prepared;
    if (operation.operation === 'subscription') {
      return failure(
        'UnsupportedOperation',
        'subscriptions are served as server-sent events: GET /graphql/subscriptions?query=...',
      );
    }
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: isRecord(request.variables) ? request.variables : undefined,
      ...(typeof request.operationName === 'string' ? { operationName: request.operationName } : {}),
      contextValue: context(caller, headers, false),
    });
    if (operation.operation === 'mutation') this.publish(operation, result);
    return formatResult(result);
  }

  /** Whether `Type.field` has a resolver (a subscription field with one runs it when a client subscribes). */
  hasResolver(typeName: string, fieldName: string): boolean {
    return this.options.plans.has(`${typeName}.${fieldName}`);
  }

  /**
   * A subscription's start, as AppSync runs it: the subscription field's resolver once, with the
   * subscriber's arguments and identity (its value is not delivered); an error refuses the subscription.
   */
  async start(
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    operationName: string | undefined,
    caller: Caller,
    headers: Record<string, string>,
  ): Promise<AppSyncResponse> {
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: variables,
      ...(operationName ? { operationName } : {}),
      contextValue: context(caller, headers, false),
    });
    // Only the resolver's own error refuses: its value is discarded, so completing it cannot fail the start.
    const own = result.errors?.filter((error) => (error.path?.length ?? 0) <= 1) ?? [];
    return own.length ? { errors: own.map((error) => formatError(error, null)) } : { data: null };
  }

  /** Runs a subscription's selection over a delivered mutation result (no resolver runs). */
  async replay(
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    operationName: string | undefined,
    fieldName: string,
    payload: unknown,
    caller: Caller,
  ): Promise<AppSyncResponse> {
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: { [fieldName]: payload },
      variableValues: variables,
      ...(operationName ? { operationName } : {}),
      contextValue: context(caller, {}, true),
    });
    return formatResult(result);
  }

  private publish(operation: OperationDefinitionNode, result: ExecutionResult): void {
    const data = result.data as Record<string, unknown> | null | undefined;
    if (!data) return;
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const key = selection.alias?.value ?? selection.name.value;
      const failed = result.errors?.some((error) => error.path?.[0] === key);
      if (failed || data[key] === null || data[key] === undefined) continue;
      const payload = unalias(selection.selectionSet, data[key]);
      for (const listener of this.listeners) listener(selection.name.value, payload);
    }
  }

  private wire(): void {
    const defaultMode = this.options.auth.defaultAuth.type;
    for (const type of Object.values(this.schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (type instanceof GraphQLInterfaceType || type instanceof GraphQLUnionType) {
        type.resolveType = (value) =>
          isRecord(value) ? (value.__typename as string | undefined) : undefined;
      }
      if (type instanceof GraphQLScalarType && type.name === 'AWSJSON') {
        type.serialize = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
        type.parseValue = (value) => (typeof value === 'string' ? JSON.parse(value) : value);
      }
      if (!(type instanceof GraphQLObjectType)) continue;
      const typeAuth = authDirectives(type.astNode?.directives);
      for (const field of Object.values(type.getFields())) {
        const key = `${type.name}.${field.name}`;
        const plan = this.options.plans.get(key);
        const property = this.options.fields?.get(key)?.definedBy.fieldName ?? field.name;
        const fieldAuth = authDirectives(field.astNode?.directives);
        const resolve: GraphQLFieldResolver<unknown, RequestContext> = (parent, args, ctx, info) => {
          checkDepth(this.options.limits ?? {}, info);
          if (!fieldAllows(ctx.caller, defaultMode, fieldAuth, typeAuth)) {
            throw new AppSyncError(
              'Unauthorized',
              `Not Authorized to access ${field.name} on type ${type.name}`,
            );
          }
          if (!plan || ctx.replay) {
            if (!isRecord(parent)) return null;
            return field.name in parent ? parent[field.name] : parent[property];
          }
          if (plan.kind === 'unsupported') throw new AppSyncError('UnsupportedResolver', plan.reason);
          const root = [
            this.schema.getQueryType(),
            this.schema.getMutationType(),
            this.schema.getSubscriptionType(),
          ];
          const source = root.includes(type) ? null : parent;
          this.budgetOf(ctx).take(field.name);
          return this.resolveWithLambda(plan, source, args, ctx, info);
        };
        field.resolve = resolve;
      }
    }
  }

  private budgetOf(ctx: RequestContext): ResolverBudget {
    let budget = this.budgets.get(ctx);
    if (!budget) {
      budget = new ResolverBudget(this.options.limits?.resolverCountLimit);
      this.budgets.set(ctx, budget);
    }
    return budget;
  }

  private resolveWithLambda(
    plan: LambdaPlan,
    parent: unknown,
    args: Record<string, unknown>,
    ctx: RequestContext,
    info: Parameters<GraphQLFieldResolver<unknown, RequestContext>>[3],
  ): Promise<unknown> {
    return invokeResolver(
      this.options.lambda,
      plan,
      invocationEvent(plan.origin, parent, args, ctx, info),
      ctx,
    );
  }
}

function context(caller: Caller, headers: Record<string, string>, replay: boolean): RequestContext {
  return { caller, headers, replay, batches: new Map() };
}

export function failure(errorType: string, message: string): AppSyncResponse {
  return { errors: [{ message, errorType, path: null, locations: null, data: null, errorInfo: null }] };
}

function formatResult(result: ExecutionResult): AppSyncResponse {
  return {
    data: result.data ?? null,
    ...(result.errors?.length ? { errors: result.errors.map((error) => formatError(error, null)) } : {}),
  };
}

export function formatError(error: GraphQLError, fallbackType: string | null): AppSyncErrorJson {
  const original = error.originalError;
  return {
    message: original instanceof AppSyncError ? original.message : error.message,
    errorType: original instanceof AppSyncError ? original.errorType : fallbackType,
    path: error.path ?? null,
    locations: error.locations?.map(({ line, column }) => ({ line, column, sourceName: null })) ?? null,
    data: null,
    errorInfo: null,
  };
}

export function authDirectives(directives: readonly DirectiveNode[] | undefined): AuthDirective[] {
  return (directives ?? []).map((directive) => {
    const groups = directive.arguments?.find((a) => a.name.value === 'cognito_groups')?.value;
    return {
      name: directive.name.value,
      ...(groups?.kind === Kind.LIST
        ? { groups: groups.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) }
        : {}),
    };
  });
}

/** A mutation's response keyed by field names instead of the caller's aliases. */
function unalias(selectionSet: SelectionSetNode | undefined, value: unknown): unknown {
  if (!selectionSet || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => unalias(selectionSet, item));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const visitSelections = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) visitSelections(selection.selectionSet);
      if (selection.kind !== Kind.FIELD) continue;
      const field = selection as FieldNode;
      const key = field.alias?.value ?? field.name.value;
      if (key in value) out[field.name.value] = unalias(field.selectionSet, value[key]);
    }
  };
  visitSelections(selectionSet);
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
