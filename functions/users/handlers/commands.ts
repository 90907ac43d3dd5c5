import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BusinessRuleError } from '../../kernel/domain/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import { type CommandContext, commandHandler } from '../../kernel/service/command-handler.js';
import { handleCommand } from '../../kernel/store/command.js';
import { documentClient } from '../../kernel/store/environment.js';
import {
  type DeleteUser,
  parseCommand as parseUserCommand,
  type RegisterUser,
  type UpdateUser,
  type UserCommand,
  type UserFact,
  type UserState,
  userDecider,
  userStreamId,
} from '../domain/index.js';
import { emailClaims, type ReleaseOutcome, releaseEmailGuard } from './email-guard.js';
import { translateGuardConflict } from './errors.js';
import { withGeneratedUserId } from './user-id.js';

/**
 * The users service's commands. Invocation (Lambda Invoke on the `live` alias):
 *
 *   { command: { type: 'RegisterUser', data: { email, name, userId? } }, actor?, commandId? }
 *   { command: { type: 'UpdateUser',   data: { userId, email?, name? } }, actor?, commandId? }
 *   { command: { type: 'DeleteUser',   data: { userId, reason? } },      actor?, commandId? }
 *
 * Answer: `{ events: [{ eventId, type, streamId, streamVersion }], result: UserResult }`. Refusals are thrown
 * with their name as Lambda's errorType: ValidationError (malformed), EmailTakenError (the address belongs
 * to another account; the message does not repeat it),
 * NotFoundError, ForbiddenError (a user acting on another's account), BusinessRuleError.
 */

/** The public fields of a user after the command: what `registerUser`/`user(id)` return. */
export type UserResult =
  | { readonly userId: string; readonly status: 'ACTIVE'; readonly email: string; readonly name: string }
  | { readonly userId: string; readonly status: 'DELETED' };

export interface UsersCommandResult {
  readonly user: UserResult;
  readonly version: number;
  /** After an email change or a deletion: whether the old address's guard was given back. */
  readonly emailRelease?: ReleaseOutcome;
}

let guardClient: DynamoDBDocumentClient | undefined;

export const handler = commandHandler<UserCommand, UsersCommandResult>({
  service: 'users',
  parseCommand: (input) => parseUserCommand(withGeneratedUserId(input)),
  execute: async (command, context) => {
    switch (command.type) {
      case 'RegisterUser':
        return register(command, context);
      case 'UpdateUser':
      case 'DeleteUser':
        return change(command, context);
    }
  },
});

async function register(command: RegisterUser, context: CommandContext) {
  const streamId = userStreamId(command.data.userId);
  try {
    const outcome = await run(command, context);
    return { events: outcome.events, result: { user: publicUser(outcome.state), version: outcome.version } };
  } catch (error) {
    // The same RegisterUser again (a retry with the same command id names the same user): answer what the
    // first one did rather than refuse the caller's own account.
    if (error instanceof BusinessRuleError && error.rule === 'user-registers-once') {
      const current = await context.store.rehydrate(streamId, userDecider);
      const { state } = current;
      if (
        state.status === 'ACTIVE' &&
        state.email === command.data.email &&
        state.name === command.data.name
      ) {
        return { events: [], result: { user: publicUser(state), version: current.version } };
      }
    }
    throw error;
  }
}

/** UpdateUser and DeleteUser: append, then give back the address the user no longer holds. */
async function change(command: UpdateUser | DeleteUser, context: CommandContext) {
  const outcome = await run(command, context);
  const result: UsersCommandResult = { user: publicUser(outcome.state), version: outcome.version };
  const appended = outcome.events[0];
  if (!appended) return { events: outcome.events, result };
  const before = await stateBefore(context, appended);
  const released =
    before.status === 'ACTIVE' && emailOf(outcome.state) !== before.email ? before.email : undefined;
  if (released === undefined) return { events: outcome.events, result };
  return {
    events: outcome.events,
    result: { ...result, emailRelease: await release(context, released, appended.streamId) },
  };
}

async function run(command: UserCommand, context: CommandContext) {
  try {
    return await handleCommand({
      store: context.store,
      decider: userDecider,
      streamId: userStreamId(command.data.userId),
      command,
      metadata: context.metadata,
      guards: (facts) => emailClaims(facts),
    });
  } catch (error) {
    throw translateGuardConflict(error, command.data.userId);
  }
}

/** The state just before our append: exact even when another writer appended before us and we retried. */
async function stateBefore(context: CommandContext, first: DomainEvent): Promise<UserState> {
  const loaded = await context.store.load(first.streamId, { through: first.streamVersion - 1 });
  return (loaded.events as unknown as UserFact[]).reduce(userDecider.evolve, userDecider.initialState());
}

async function release(context: CommandContext, address: string, owner: string): Promise<ReleaseOutcome> {
  guardClient ??= documentClient(context.tools.captureClient(new DynamoDBClient({})));
  try {
    return await releaseEmailGuard(guardClient, context.store.tableName, address, owner);
  } catch (error) {
    // Ids only in logs: the guard's key is the address itself.
    context.tools.logger.error('email guard not released', { owner, error: error as Error });
    context.tools.metrics.addMetric('EmailGuardReleaseFailed', 'Count', 1);
    return 'failed';
  }
}

const emailOf = (state: UserState): string | undefined =>
  state.status === 'ACTIVE' ? state.email : undefined;

function publicUser(state: UserState): UserResult {
  switch (state.status) {
    case 'ACTIVE':
      return { userId: state.userId, status: 'ACTIVE', email: state.email, name: state.name };
    case 'DELETED':
      return { userId: state.userId, status: 'DELETED' };
    case 'NONE':
      // A command that succeeded leaves a user behind; NONE here is a bug in the decider.
      throw new Error('no user after a successful users command');
  }
}
