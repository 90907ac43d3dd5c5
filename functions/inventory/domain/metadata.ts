import * as z from 'zod';
import { actorSchema } from '../../kernel/events/envelope.js';
import { id, isoDateTime } from '../../kernel/events/primitives.js';

/** Time, ids and the caller of every inventory command: `decide` reads no clock and no random source. */
export const commandMetadata = z.strictObject({
  commandId: id,
  issuedAt: isoDateTime,
  actor: actorSchema,
});
export type CommandMetadata = z.infer<typeof commandMetadata>;
