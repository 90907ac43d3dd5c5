import { type CommandMetadata, commandMetadata, parseWith } from '../../kernel/domain/commands.js';
import { text } from '../../kernel/domain/text.js';
import { UserCreatedV1, UserDeletedV1, UserUpdatedV1 } from '../../kernel/events/catalogue/users.js';
import * as z from '../../kernel/zod.js';

export { type CommandMetadata, commandMetadata };

/**
 * Normalized (NFC, trimmed, no control characters: kernel/domain/text.ts) and lower-cased before the
 * catalogue's email check: `Ann@Example.com ` and `ann@example.com` are one address.
 */
export const email = text(z.pipe(z.string().check(z.toLowerCase()), UserCreatedV1.shape.email));
const name = text(UserCreatedV1.shape.name);

/**
 * Why an account is deleted: a code, never free text, because UserDeleted carries ids only (the read models
 * drop personal data on it) and a free-text reason is where personal data would leak in.
 */
export const deletionReason = z.enum(['REQUESTED_BY_USER', 'ADMIN_ACTION', 'FRAUD', 'INACTIVE']);

export const RegisterUser = z.strictObject({
  type: z.literal('RegisterUser'),
  data: z.strictObject({ userId: UserCreatedV1.shape.userId, email, name }),
  metadata: commandMetadata,
});

export const UpdateUser = z.strictObject({
  type: z.literal('UpdateUser'),
  data: z
    .strictObject({ userId: UserUpdatedV1.shape.userId, email: z.optional(email), name: z.optional(name) })
    .check(
      z.refine((d) => d.email !== undefined || d.name !== undefined, {
        message: 'an update changes the email, the name or both',
      }),
    ),
  metadata: commandMetadata,
});

export const DeleteUser = z.strictObject({
  type: z.literal('DeleteUser'),
  data: z.strictObject({ userId: UserDeletedV1.shape.userId, reason: z.optional(deletionReason) }),
  metadata: commandMetadata,
});

export const userCommandSchema = z.discriminatedUnion('type', [RegisterUser, UpdateUser, DeleteUser]);

export type UserCommand = z.infer<typeof userCommandSchema>;
export type RegisterUser = z.infer<typeof RegisterUser>;
export type UpdateUser = z.infer<typeof UpdateUser>;
export type DeleteUser = z.infer<typeof DeleteUser>;

/** The boundary: anything that is not a well-formed users command is a ValidationError with zod's issues. */
export function parseCommand(input: unknown): UserCommand {
  return parseWith(userCommandSchema, input, 'users');
}

/**
 * The key of the guard item that makes an email unique. The handler puts it (`attribute_not_exists`) in the
 * same TransactWriteItems as the UserCreated append, and on an email change deletes the old key and puts the
 * new one with the UserUpdated append; on UserDeleted it deletes the key so the address can register again.
 * The decider cannot enforce uniqueness: it sees one user's stream, not every user's.
 */
export function emailGuardKey(address: string): string {
  return `email#${normalizeEmail(address)}`;
}

export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}
