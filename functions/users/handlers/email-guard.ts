import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GuardClaim } from '../../kernel/store/event-store.js';
import { ITEM_KINDS, KEY, META_VERSION } from '../../kernel/store/items.js';
import { emailGuardKey, type UserFact } from '../domain/index.js';

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

export type ReleaseOutcome = 'released' | 'not-held' | 'failed';

/**
 * Gives an address back after an email change or a deletion: deletes its guard item, only if this user's
 * stream holds it (a guard names its owner, the stream that claimed it).
 *
 * NOT atomic with the append: the store's transaction can claim a guard but not release one, so this runs
 * after the UserUpdated/UserDeleted append. If it fails (throttling, a crash in between) the append stands
 * and the old address stays claimed — an address nobody can register until the guard is deleted, never two
 * accounts on one address. The command does not fail for it (its retry would be a no-op and would not
 * release either): the outcome is reported as `failed`, logged and counted (metric EmailGuardReleaseFailed),
 * so a sweep can delete guards whose owner no longer has that address.
 */
export async function releaseEmailGuard(
  client: DynamoDBDocumentClient,
  tableName: string,
  address: string,
  owner: string,
): Promise<Exclude<ReleaseOutcome, 'failed'>> {
  try {
    await client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { [KEY.partition]: emailGuardKey(address), [KEY.sort]: META_VERSION },
        ConditionExpression: '#kind = :guard AND #owner = :owner',
        ExpressionAttributeNames: { '#kind': 'kind', '#owner': 'owner' },
        ExpressionAttributeValues: { ':guard': ITEM_KINDS.guard, ':owner': owner },
      }),
    );
    return 'released';
  } catch (error) {
    // Someone else holds it, or it is gone already (a retried release): nothing of ours to give back.
    if (error instanceof ConditionalCheckFailedException || isConditionFailure(error)) return 'not-held';
    throw error;
  }
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
