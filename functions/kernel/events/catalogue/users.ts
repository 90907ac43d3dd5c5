import * as z from 'zod';
import { defineEvent } from '../define.js';
import { id, reason } from '../primitives.js';

const email = z.email().max(254);
const name = z.string().min(1).max(200);

export const UserCreatedV1 = z.object({ userId: id, email, name });

export const UserUpdatedV1 = z.object({
  userId: id,
  changes: z
    .object({ email: email.optional(), name: name.optional() })
    .describe('Only the fields that changed; absent means unchanged'),
});

export const UserDeletedV1 = z.object({ userId: id, reason: reason.optional() });

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
