import { actorSchema } from '../events/envelope.js';
import { id, isoDateTime } from '../events/primitives.js';
import * as z from '../zod.js';
import { ValidationError } from './errors.js';

/**
 * The metadata every command of every service carries (the command handler kit fills it in at the edge).
 * Who issued a command, when, and its id: the domain takes time and ids from here, never from a clock. */
export const commandMetadata = z.strictObject({
  commandId: id,
  issuedAt: isoDateTime,
  actor: actorSchema,
});
export type CommandMetadata = z.infer<typeof commandMetadata>;

/**
 * Parse at the boundary: malformed input is a ValidationError carrying zod's issues (and zod's error as its
 * cause). `what` names the area of a command (`'orders'`: "invalid orders command"), or gives the message.
 */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  what: string | { readonly message: string },
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(
      typeof what === 'string' ? `invalid ${what} command` : what.message,
      { issues: result.error.issues },
      { cause: result.error },
    );
  }
  return result.data;
}
