import * as z from 'zod';
import { actorSchema } from '../events/envelope.js';
import { id, isoDateTime } from '../events/primitives.js';
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

/** Parse at the boundary: a malformed command is a ValidationError carrying zod's issues. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(
      `invalid ${what} command`,
      { issues: result.error.issues },
      { cause: result.error },
    );
  }
  return result.data;
}
