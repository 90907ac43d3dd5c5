import { describe, expect, it } from 'vitest';
import { GuardConflictError } from '../../functions/kernel/store/index.js';
import { emailGuardKey } from '../../functions/users/domain/index.js';
import { emailClaims, emailReleases } from '../../functions/users/handlers/email-guard.js';
import { EmailTakenError, translateGuardConflict } from '../../functions/users/handlers/errors.js';
import { userIdFor, withGeneratedUserId } from '../../functions/users/handlers/user-id.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2026-01-01T00:00:00.000Z',
  actor: { type: 'service', id: 'api' },
};

describe('users adapter: the generated user id', () => {
  it('fills in a RegisterUser without userId from its command id, the same id for the same command', () => {
    const input = { type: 'RegisterUser', data: { email: 'a@example.com', name: 'A' }, metadata };
    const filled = withGeneratedUserId(input) as { data: { userId: string } };
    expect(filled.data.userId).toBe(userIdFor('cmd-1'));
    expect(filled.data.userId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(userIdFor('cmd-2')).not.toBe(userIdFor('cmd-1'));
  });

  it("keeps a caller's userId and leaves every other input to the domain's parser", () => {
    const given = {
      type: 'RegisterUser',
      data: { userId: 'u-9', email: 'a@example.com', name: 'A' },
      metadata,
    };
    expect(withGeneratedUserId(given)).toBe(given);
    const update = { type: 'UpdateUser', data: { userId: 'u-9', name: 'B' }, metadata };
    expect(withGeneratedUserId(update)).toBe(update);
    expect(withGeneratedUserId('nonsense')).toBe('nonsense');
  });
});

describe('users adapter: email guards', () => {
  it('claims the address of a new account and the new address of an email change, nothing else', () => {
    expect(
      emailClaims([{ type: 'UserCreated', data: { userId: 'u', email: 'a@example.com', name: 'A' } }]),
    ).toEqual([{ key: 'email#a@example.com', rule: 'email-unique' }]);
    expect(
      emailClaims([{ type: 'UserUpdated', data: { userId: 'u', changes: { email: 'b@example.com' } } }]),
    ).toEqual([{ key: 'email#b@example.com', rule: 'email-unique' }]);
    expect(emailClaims([{ type: 'UserUpdated', data: { userId: 'u', changes: { name: 'B' } } }])).toEqual([]);
    expect(emailClaims([{ type: 'UserDeleted', data: { userId: 'u' } }])).toEqual([]);
  });

  it('gives back the address a change or a deletion leaves, and nothing when the address stays', () => {
    const active = { status: 'ACTIVE', userId: 'u', email: 'Old@Example.com', name: 'A' } as const;
    const released = [{ key: emailGuardKey('old@example.com'), rule: 'email-unique' }];
    expect(emailReleases(active, { ...active, email: 'new@example.com' })).toEqual(released);
    expect(emailReleases(active, { status: 'DELETED', userId: 'u' })).toEqual(released);
    expect(emailReleases(active, { ...active, name: 'B' })).toEqual([]);
    expect(emailReleases(active, { ...active, email: 'old@example.com' })).toEqual([]);
    expect(emailReleases({ status: 'NONE' }, active)).toEqual([]);
  });
});

describe('users adapter: a taken email', () => {
  it('becomes EmailTakenError, without the address in its message, details or cause', () => {
    const clash = new GuardConflictError('email-unique', 'email#ada@example.com');
    const translated = translateGuardConflict(clash, 'u-1') as EmailTakenError;
    expect(translated).toBeInstanceOf(EmailTakenError);
    expect(translated.name).toBe('EmailTakenError');
    expect(JSON.stringify({ ...translated.toJSON(), cause: translated.cause })).not.toContain('ada@');
    const other = new GuardConflictError('sku-unique', 'sku#MUG');
    expect(translateGuardConflict(other, 'u-1')).toBe(other);
  });
});
