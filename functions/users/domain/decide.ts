import { assertNever, type Fact } from '../../kernel/domain/decider.js';
import { BusinessRuleError, ForbiddenError, NotFoundError } from '../../kernel/domain/errors.js';
import type { CommandMetadata, DeleteUser, RegisterUser, UpdateUser, UserCommand } from './commands.js';
import type { UserFact, UserState } from './state.js';

/**
 * Rules:
 * - a user registers once (the handler picks a fresh id, so a second RegisterUser on a stream is a bug or a
 *   replayed command: refused, not silently accepted with other data);
 * - only an active user is updated; an update that changes nothing emits nothing;
 * - a deleted user stays deleted; deleting again emits nothing (an erasure request is safe to retry);
 * - a person (actor type `user`) updates or deletes only their own account; services and the system
 *   (resolvers acting for an administrator, back-office jobs) may act on any.
 * Email uniqueness is not here: see `emailGuardKey`.
 */
export function decide(command: UserCommand, state: UserState): UserFact[] {
  switch (command.type) {
    case 'RegisterUser':
      return register(command, state);
    case 'UpdateUser':
      return update(command, state);
    case 'DeleteUser':
      return remove(command, state);
    default:
      return assertNever(command);
  }
}

function register(command: RegisterUser, state: UserState): Fact<'UserCreated'>[] {
  if (state.status !== 'NONE') {
    throw new BusinessRuleError('user-registers-once', `user ${command.data.userId} is already registered`, {
      userId: command.data.userId,
    });
  }
  const { userId, email, name } = command.data;
  return [{ type: 'UserCreated', data: { userId, email, name } }];
}

function update(command: UpdateUser, state: UserState): Fact<'UserUpdated'>[] {
  const { userId } = command.data;
  ensureSelfOrService(command.metadata, userId);
  if (state.status === 'NONE') throw new NotFoundError(`user ${userId} does not exist`, { userId });
  if (state.status === 'DELETED') {
    throw new BusinessRuleError('deleted-user-is-final', `user ${userId} is deleted`, { userId });
  }
  const changes: { email?: string; name?: string } = {};
  if (command.data.email !== undefined && command.data.email !== state.email)
    changes.email = command.data.email;
  if (command.data.name !== undefined && command.data.name !== state.name) changes.name = command.data.name;
  if (changes.email === undefined && changes.name === undefined) return [];
  return [{ type: 'UserUpdated', data: { userId, changes } }];
}

function remove(command: DeleteUser, state: UserState): Fact<'UserDeleted'>[] {
  const { userId, reason } = command.data;
  ensureSelfOrService(command.metadata, userId);
  if (state.status === 'NONE') throw new NotFoundError(`user ${userId} does not exist`, { userId });
  if (state.status === 'DELETED') return [];
  return [{ type: 'UserDeleted', data: reason === undefined ? { userId } : { userId, reason } }];
}

function ensureSelfOrService(metadata: CommandMetadata, userId: string): void {
  if (metadata.actor.type === 'user' && metadata.actor.id !== userId) {
    throw new ForbiddenError('a user may change only their own account', {
      userId,
      actorId: metadata.actor.id,
    });
  }
}
