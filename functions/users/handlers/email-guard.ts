import type { GuardClaim } from '../../kernel/store/index.js';
import { emailGuardKey, type UserFact, type UserState } from '../domain/index.js';

export const EMAIL_UNIQUE_RULE = 'email-unique';

/** The claims a user's new facts need: the address of a new account, or the new address of an email change. */
export function emailClaims(facts: readonly UserFact[]): GuardClaim[] {
  return facts.flatMap((fact): GuardClaim[] => {
    const address =
      fact.type === 'UserCreated'
        ? fact.data.email
        : fact.type === 'UserUpdated'
          ? fact.data.changes.email
          : undefined;
    return address === undefined ? [] : [{ key: emailGuardKey(address), rule: EMAIL_UNIQUE_RULE }];
  });
}

/**
 * The guard to give back after an email change or a deletion: the address the user held before and no
 * longer holds. The store deletes it in the same transaction as the UserUpdated/UserDeleted append (and only
 * if this user's stream owns it), so an address is never left claimed by an account that gave it up.
 */
export function emailReleases(before: UserState, after: UserState): GuardClaim[] {
  if (before.status !== 'ACTIVE') return [];
  const still = after.status === 'ACTIVE' ? after.email : undefined;
  if (still !== undefined && emailGuardKey(still) === emailGuardKey(before.email)) return [];
  return [{ key: emailGuardKey(before.email), rule: EMAIL_UNIQUE_RULE }];
}
