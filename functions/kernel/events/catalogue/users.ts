import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { id, reason } from '../primitives.js';

const email = z.email().check(z.maxLength(254));
const name = z.string().check(z.minLength(1), z.maxLength(200));

export const UserCreatedV1 = z.object({ userId: id, email, name });

export const UserUpdatedV1 = z.object({
  userId: id,
  changes: z
    .object({ email: z.optional(email), name: z.optional(name) })
    .check(z.describe('Only the fields that changed; absent means unchanged')),
});

export const UserDeletedV1 = z.object({ userId: id, reason: z.optional(reason) });

export const usersEvents = [
  defineEvent({
    type: 'UserCreated',
    service: 'users',
    description: 'A user registered',
    versions: [UserCreatedV1],
  }),
  defineEvent({
    type: 'UserUpdated',
    service: 'users',
    description: "A user's profile changed",
    versions: [UserUpdatedV1],
  }),
  defineEvent({
    type: 'UserDeleted',
    service: 'users',
    description: 'A user account was deleted (personal data erased downstream)',
    versions: [UserDeletedV1],
  }),
] as const;
