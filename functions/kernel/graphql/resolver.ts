import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { ValidationError } from '../domain/errors.js';
import { type HandlerTools, withObservability } from '../observability.js';
import { sdkRetryConfig } from '../sdk-retry.js';
import * as z from '../zod.js';
import { deny, SECURITY_COMMANDS_ENV } from './audit.js';
import { type CommandInvoker, lambdaCommandInvoker } from './commands.js';
import { ADMIN_ROLE_ARNS_ENV, adminRoleArnsFrom, type Caller, callerOf, isAdmin } from './identity.js';

/** The part of AppSync's direct Lambda resolver event the kit reads. */
export const appSyncEventSchema = z.looseObject({
  arguments: z.nullish(z.record(z.string(), z.unknown())),
  identity: z.optional(z.unknown()),
  source: z.nullish(z.record(z.string(), z.unknown())),
  info: z.looseObject({ parentTypeName: z.string(), fieldName: z.string() }),
});
export type AppSyncEvent = z.infer<typeof appSyncEventSchema>;

export interface FieldContext {
  readonly caller: Caller;
  /** The parent object (for `Order.customer`: the Order). */
  readonly source: Record<string, unknown> | null;
  readonly field: string;
  readonly invoker: CommandInvoker;
  readonly tools: HandlerTools;
  /** Allowed for admins (the admin group, allow-listed IAM roles, the dev API key); anyone else is denied, audited. */
  requireAdmin(resource: string): Promise<void>;
  /** Allowed for the customer themselves and admins; anyone else is denied, audited. */
  requireSelfOrAdmin(customerId: string, resource: string): Promise<void>;
  /** Denies, audited, for a reason of the field's own (it throws the ForbiddenError). */
  deny(resource: string, reason: string): Promise<never>;
}

export interface FieldResolver {
  readonly args: z.ZodMiniType;
  readonly resolve: (args: never, ctx: FieldContext) => Promise<unknown>;
}

/** One field: its arguments' schema (zod) and what it does with the parsed arguments. */
export function field<S extends z.ZodMiniType>(
  args: S,
  resolve: (args: z.infer<S>, ctx: FieldContext) => Promise<unknown>,
): FieldResolver {
  return { args, resolve: resolve as FieldResolver['resolve'] };
}

export const noArgs = z.strictObject({});

/** A ValidationError whose message starts with its code and names the first problems: nothing was written. */
export function validationError(error: z.core.$ZodError): ValidationError {
  const problems = error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`)
    .join('; ');
  return new ValidationError(`VALIDATION_ERROR: ${problems}`, { issues: error.issues }, { cause: error });
}

export interface GraphqlHandlerOptions {
  readonly service: string;
  /** By `Type.field`, as the source API attaches resolvers. */
  readonly fields: Readonly<Record<string, FieldResolver>>;
  /** Injected in tests. @default Lambda Invoke through the SDK */
  readonly invoker?: CommandInvoker;
}

/**
 * A source API's direct Lambda resolver: routes by `info.parentTypeName.fieldName`, validates the arguments
 * before anything else (a ValidationError, so AppSync's `errorType` is `ValidationError`, and nothing is
 * written), and hands the field the caller and the authorization helpers. Errors keep their names, which
 * Lambda reports as `errorType`.
 */
export function graphqlHandler(
  options: GraphqlHandlerOptions,
): (event: unknown, context: Context) => Promise<unknown> {
  let invoker = options.invoker;
  return withObservability<unknown, unknown>({ service: options.service }, async (raw, _context, tools) => {
    const event = appSyncEventSchema.parse(raw);
    const name = `${event.info.parentTypeName}.${event.info.fieldName}`;
    const resolver = options.fields[name];
    if (!resolver) throw new ValidationError(`VALIDATION_ERROR: ${options.service} resolves no ${name}`);
    const parsed = resolver.args.safeParse(event.arguments ?? {});
    if (!parsed.success) throw validationError(parsed.error);

    invoker ??= lambdaCommandInvoker(tools.captureClient(new LambdaClient(sdkRetryConfig())));
    const caller = callerOf(event.identity, adminRoleArnsFrom(process.env[ADMIN_ROLE_ARNS_ENV]));
    const live = invoker;
    const log = (message: string, details: Record<string, unknown>) => tools.logger.warn(message, details);
    const refuse = (resource: string, reason: string) =>
      deny(live, process.env[SECURITY_COMMANDS_ENV], caller, { action: name, resource, reason }, log);
    const ctx: FieldContext = {
      caller,
      source: event.source ?? null,
      field: name,
      invoker: live,
      tools,
      async requireAdmin(resource) {
        if (!isAdmin(caller)) await refuse(resource, `${name} needs the admin group`);
      },
      async requireSelfOrAdmin(customerId, resource) {
        if (isAdmin(caller)) return;
        if (caller.kind === 'user' && caller.userId === customerId) return;
        await refuse(resource, `${name}: a customer reads and acts on their own data only`);
      },
      deny: (resource, reason) => refuse(resource, `${name}: ${reason}`),
    };
    return resolver.resolve(parsed.data as never, ctx);
  });
}
