import type { Context } from 'aws-lambda';
import { ValidationError } from '../domain/errors.js';
import type { DomainEvent } from '../events/catalogue.js';
import { type Actor, actorSchema } from '../events/envelope.js';
import { id } from '../events/primitives.js';
import { type HandlerTools, withObservability } from '../observability.js';
import { eventStoreFromEnvironment } from '../store/dynamodb.js';
import type { EventStore, MetadataSource } from '../store/index.js';
import * as z from '../zod.js';

/**
 * How a command reaches a service: `{ command: { type, data }, actor?, commandId? }` — a Lambda Invoke from
 * the saga, a GraphQL resolver or a script. The adapter adds what the domain must not make up itself: the
 * command id (idempotency of retried invocations), the time and the caller (`metadata`).
 *
 * A caller acting on behalf of an event (a saga step, a reaction) passes that event as `envelope`, or its
 * ids as `correlationId`/`causationId`/`traceparent`: the new events then continue its transaction
 * (the observability wrapper reads them; see incoming.ts).
 */
export const commandInvocationSchema = z.strictObject({
  command: z.looseObject({ type: z.string().check(z.minLength(1)) }),
  actor: z.optional(actorSchema),
  commandId: z.optional(id),
  envelope: z.optional(z.looseObject({ eventId: z.string(), correlationId: z.string() })),
  correlationId: z.optional(id),
  causationId: z.optional(id),
  traceparent: z.optional(z.string()),
});
export type CommandInvocation = z.infer<typeof commandInvocationSchema>;

/** What a command's execution gets from the adapter. */
export interface CommandContext {
  readonly store: EventStore;
  /** Fresh metadata per new event: caused by the incoming event, or rooted in this command. */
  readonly metadata: MetadataSource;
  readonly tools: HandlerTools;
  readonly lambdaContext: Context;
}

/** What every command answers: the events it appended (none for a no-op) and the service's own result. */
export interface CommandOutcome<R> {
  readonly events: readonly Pick<DomainEvent, 'eventId' | 'type' | 'streamId' | 'streamVersion'>[];
  readonly result: R;
}

export interface CommandHandlerOptions<C, R> {
  readonly service: string;
  /** The service's boundary: a well-formed command (with metadata) or a ValidationError. */
  readonly parseCommand: (input: unknown) => C;
  readonly execute: (
    command: C,
    context: CommandContext,
  ) => Promise<{ events: readonly DomainEvent[]; result: R }>;
  /** Injected in tests; @default the store named by EVENT_STORE_TABLE_NAME */
  readonly store?: () => EventStore;
}

/**
 * The Lambda handler of a service's commands. Domain errors are thrown unchanged: Lambda reports their
 * name as `errorType`, so a saga's Catch and a GraphQL adapter can tell a ValidationError from a
 * BusinessRuleError without parsing messages. Nothing is written unless `execute` appends.
 */
export function commandHandler<C, R>(options: CommandHandlerOptions<C, R>) {
  let store: EventStore | undefined;
  return withObservability<unknown, CommandOutcome<R>>(
    { service: options.service },
    async (event, lambdaContext, tools) => {
      const parsed = commandInvocationSchema.safeParse(event);
      if (!parsed.success) {
        throw new ValidationError(
          'a command invocation is { command: { type, data }, actor?, commandId?, envelope? }',
          { issues: parsed.error.issues },
          { cause: parsed.error },
        );
      }
      const { command, actor, commandId } = parsed.data;
      const caller: Actor = actor ?? tools.metadata().actor;
      const typed = options.parseCommand({
        ...command,
        metadata: {
          commandId: commandId ?? lambdaContext.awsRequestId,
          issuedAt: tools.clock().toISOString(),
          actor: caller,
        },
      });
      store ??= options.store?.() ?? eventStoreFromEnvironment({ capture: (c) => tools.captureClient(c) });
      const { events, result } = await options.execute(typed, {
        store,
        metadata: () => tools.metadata({ actor: caller }),
        tools,
        lambdaContext,
      });
      tools.logger.info('command handled', {
        command: command.type,
        appended: events.map((e) => `${e.type}@${e.streamId}#${e.streamVersion}`),
      });
      tools.metrics.addMetric(`${command.type}${events.length ? 'Accepted' : 'NoOp'}`, 'Count', 1);
      return {
        events: events.map(({ eventId, type, streamId, streamVersion }) => ({
          eventId,
          type,
          streamId,
          streamVersion,
        })),
        result,
      };
    },
  );
}
