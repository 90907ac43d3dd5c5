import { describe, expect, it } from 'vitest';
import {
  BusinessRuleError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  emailGuardKey,
  parseCommand,
  type UserCommand,
  type UserFact,
  userDecider,
  userStreamId,
} from '../../functions/users/domain/index.js';
import { spec } from '../helpers/decider.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'service', id: 'users-api' },
} as const;
const asUser = (id: string) => ({ ...metadata, actor: { type: 'user', id } as const });

const register = (data: Partial<{ userId: string; email: string; name: string }> = {}): UserCommand => ({
  type: 'RegisterUser',
  data: { userId: 'user-1', email: 'ann@example.com', name: 'Ann', ...data },
  metadata,
});
const created: UserFact = {
  type: 'UserCreated',
  data: { userId: 'user-1', email: 'ann@example.com', name: 'Ann' },
};
const deleted: UserFact = { type: 'UserDeleted', data: { userId: 'user-1' } };

const given = (facts: UserFact[]) => spec(userDecider).given(facts);

describe('users decider', () => {
  describe('RegisterUser', () => {
    it('creates the user', () => {
      given([]).when(register()).thenEmits([created]);
    });

    it('refuses a second registration on the same stream', () => {
      given([created]).when(register()).thenThrows(BusinessRuleError, 'user-registers-once');
    });

    it('refuses to register a deleted user again', () => {
      given([created, deleted]).when(register()).thenThrows(BusinessRuleError, 'user-registers-once');
    });
  });

  describe('UpdateUser', () => {
    const update = (data: { email?: string; name?: string }, meta: UserCommand['metadata'] = metadata) =>
      ({ type: 'UpdateUser', data: { userId: 'user-1', ...data }, metadata: meta }) as const;

    it('records only the fields that changed', () => {
      given([created])
        .when(update({ email: 'ann@example.com', name: 'Ann Smith' }))
        .thenEmits([{ type: 'UserUpdated', data: { userId: 'user-1', changes: { name: 'Ann Smith' } } }]);
    });

    it('records a new email', () => {
      given([created])
        .when(update({ email: 'ann@example.org' }))
        .thenEmits([
          { type: 'UserUpdated', data: { userId: 'user-1', changes: { email: 'ann@example.org' } } },
        ]);
    });

    it('emits nothing when nothing changes', () => {
      given([created])
        .when(update({ name: 'Ann' }))
        .thenEmits([]);
    });

    it('folds earlier updates before comparing', () => {
      given([created, { type: 'UserUpdated', data: { userId: 'user-1', changes: { name: 'Bo' } } }])
        .when(update({ name: 'Bo' }))
        .thenEmits([]);
    });

    it('lets users update themselves', () => {
      given([created])
        .when(update({ name: 'Annie' }, asUser('user-1')))
        .thenEmits([{ type: 'UserUpdated', data: { userId: 'user-1', changes: { name: 'Annie' } } }]);
    });

    it("refuses a user updating someone else's account", () => {
      given([created])
        .when(update({ name: 'Mallory' }, asUser('user-2')))
        .thenThrows(ForbiddenError, 'FORBIDDEN');
    });

    it('refuses an unknown user', () => {
      given([])
        .when(update({ name: 'Ann' }))
        .thenThrows(NotFoundError, 'NOT_FOUND');
    });

    it('refuses a deleted user', () => {
      given([created, deleted])
        .when(update({ name: 'Ann' }))
        .thenThrows(BusinessRuleError, 'deleted-user-is-final');
    });
  });

  describe('DeleteUser', () => {
    const remove = (reason?: 'REQUESTED_BY_USER', meta: UserCommand['metadata'] = metadata): UserCommand => ({
      type: 'DeleteUser',
      data: reason === undefined ? { userId: 'user-1' } : { userId: 'user-1', reason },
      metadata: meta,
    });

    it('deletes with ids only', () => {
      given([created]).when(remove()).thenEmits([deleted]);
    });

    it('carries the reason code', () => {
      given([created])
        .when(remove('REQUESTED_BY_USER', asUser('user-1')))
        .thenEmits([{ type: 'UserDeleted', data: { userId: 'user-1', reason: 'REQUESTED_BY_USER' } }]);
    });

    it('emits nothing the second time (safe to retry)', () => {
      given([created, deleted]).when(remove()).thenEmits([]);
    });

    it('refuses an unknown user', () => {
      given([]).when(remove()).thenThrows(NotFoundError);
    });

    it("refuses a user deleting someone else's account", () => {
      given([created])
        .when(remove(undefined, asUser('user-2')))
        .thenThrows(ForbiddenError);
    });
  });

  it('forgets personal data once deleted', () => {
    const state = [created, deleted].reduce(userDecider.evolve, userDecider.initialState());
    expect(state).toEqual({ status: 'DELETED', userId: 'user-1' });
  });

  it('emits facts the event catalogue accepts', () => {
    const facts: UserFact[] = [
      created,
      { type: 'UserUpdated', data: { userId: 'user-1', changes: { email: 'b@example.com' } } },
      { type: 'UserDeleted', data: { userId: 'user-1', reason: 'ADMIN_ACTION' } },
    ];
    for (const fact of facts)
      expect(latestEntry(fact.type)?.dataSchema.safeParse(fact.data).success).toBe(true);
  });
});

describe('users parseCommand', () => {
  const input = (data: Record<string, unknown>, type = 'RegisterUser') => ({
    type,
    data: { userId: 'user-1', email: 'ann@example.com', name: 'Ann', ...data },
    metadata,
  });
  const issuesOf = (raw: unknown) => {
    try {
      parseCommand(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return ((error as ValidationError).details.issues as { path: PropertyKey[] }[]).map((i) =>
        i.path.join('.'),
      );
    }
    throw new Error('expected a ValidationError');
  };

  it('lower-cases and trims the email', () => {
    expect(parseCommand(input({ email: '  Ann@Example.COM ' }))).toEqual({
      type: 'RegisterUser',
      data: { userId: 'user-1', email: 'ann@example.com', name: 'Ann' },
      metadata,
    });
  });

  it.each(['not-an-email', 'ann@', '@example.com', ''])('refuses the email %j', (email) => {
    expect(issuesOf(input({ email }))).toEqual(['data.email']);
  });

  it('refuses an empty name', () => {
    expect(issuesOf(input({ name: '   ' }))).toEqual(['data.name']);
  });

  it('refuses a name longer than the catalogue allows', () => {
    expect(issuesOf(input({ name: 'x'.repeat(201) }))).toEqual(['data.name']);
  });

  it('refuses unknown fields', () => {
    expect(issuesOf(input({ role: 'admin' }))).toEqual(['data']);
  });

  it('refuses an unknown command type', () => {
    expect(issuesOf(input({}, 'PromoteUser'))).toEqual(['type']);
  });

  it('refuses missing metadata', () => {
    expect(issuesOf({ type: 'DeleteUser', data: { userId: 'user-1' } })).toEqual(['metadata']);
  });

  it('refuses a non-ISO issuedAt', () => {
    expect(issuesOf({ ...input({}), metadata: { ...metadata, issuedAt: 'yesterday' } })).toEqual([
      'metadata.issuedAt',
    ]);
  });

  it('refuses an update that changes nothing', () => {
    expect(issuesOf({ type: 'UpdateUser', data: { userId: 'user-1' }, metadata })).toEqual(['data']);
  });

  it('refuses a free-text deletion reason', () => {
    expect(
      issuesOf({ type: 'DeleteUser', data: { userId: 'user-1', reason: 'Ann asked by mail' }, metadata }),
    ).toEqual(['data.reason']);
  });

  it('accepts an update of the name alone', () => {
    expect(
      parseCommand({ type: 'UpdateUser', data: { userId: 'user-1', name: ' Bo ' }, metadata }).data,
    ).toEqual({
      userId: 'user-1',
      name: 'Bo',
    });
  });
});

describe('users helpers', () => {
  it('normalises the email in the guard key', () => {
    expect(emailGuardKey('  Ann@Example.COM ')).toBe('email#ann@example.com');
    expect(emailGuardKey('ann@example.com')).toBe(emailGuardKey('ANN@EXAMPLE.COM'));
  });

  it('names the stream after the user', () => {
    expect(userStreamId('user-1')).toBe('user#user-1');
  });
});
