import { BusinessRuleError } from '../../kernel/domain/errors.js';
import { type CommandContext, commandHandler } from '../../kernel/service/command-handler.js';
import { handleCommand } from '../../kernel/store/index.js';
import {
  type DeleteUser,
  parseCommand as parseUserCommand,
  type RegisterUser,
  type UpdateUser,
  type UserCommand,
  type UserState,
  userDecider,
  userStreamId,
} from '../domain/index.js';
import { emailClaims, emailReleases } from './email-guard.js';
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
  /** After an email change or a deletion: the old address's guard was given back with the append. */
  readonly emailRelease?: 'released';
}

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

/** UpdateUser and DeleteUser: the append gives back the address the user no longer holds, atomically. */
async function change(command: UpdateUser | DeleteUser, context: CommandContext) {
  let releasing = false;
  const outcome = await run(command, context, (before, after) => {
    const releases = emailReleases(before, after);
    releasing = releases.length > 0; // the last attempt's decision is the one written
    return releases;
  });
  const result: UsersCommandResult = { user: publicUser(outcome.state), version: outcome.version };
  const released = releasing && outcome.events.length > 0;
  return {
    events: outcome.events,
    result: released ? { ...result, emailRelease: 'released' as const } : result,
  };
}

async function run(
  command: UserCommand,
  context: CommandContext,
  releases?: (before: UserState, after: UserState) => ReturnType<typeof emailReleases>,
) {
  try {
    return await handleCommand({
      store: context.store,
      decider: userDecider,
      streamId: userStreamId(command.data.userId),
      command,
      metadata: context.metadata,
      guards: (facts) => emailClaims(facts),
      ...(releases
        ? { releases: (_facts: unknown, after: UserState, before: UserState) => releases(before, after) }
        : {}),
    });
  } catch (error) {
    throw translateGuardConflict(error, command.data.userId);
  }
}

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
