import * as z from 'zod';
import { id } from './primitives.js';
import { isValidTraceparent } from './trace-context.js';

/**
 * The services that publish domain events, i.e. the possible envelope `source` values. EventBridge `Source`
 * is `commerceforge.<source>`. `saga` is the orchestration layer (Step Functions sagas), not a bounded
 * context: see catalogue/saga.ts for why saga events do not come from `orders`.
 */
export const eventSources = [
  'users',
  'inventory',
  'orders',
  'payments',
  'shipping',
  'notifications',
  'reviews',
  'saga',
  'security',
] as const;
export type EventSource = (typeof eventSources)[number];

export const SOURCE_PREFIX = 'commerceforge.';
export const eventBridgeSource = (source: EventSource): string => `${SOURCE_PREFIX}${source}`;

export const actorSchema = z.object({
  type: z.enum(['user', 'service', 'system']),
  id: z.string().min(1).max(256),
});
export type Actor = z.infer<typeof actorSchema>;

export const traceparentSchema = z
  .string()
  .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
  .refine(isValidTraceparent, 'trace id and span id must not be all zeros')
  .describe('W3C trace context: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>');

/**
 * The metadata every event carries, whatever its type. `data` is typed per (type, version) in the catalogue.
 * Unknown extra keys are stripped, not rejected, so adding an optional envelope field later is not a
 * breaking change for running consumers.
 */
export const envelopeMetaShape = {
  eventId: id.describe('Unique id of this event; consumers deduplicate on it'),
  type: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]*$/)
    .describe('Past-tense event name, also the EventBridge DetailType'),
  version: z.number().int().min(1).describe('Schema version of this event type'),
  source: z.enum(eventSources).describe('Publishing service; EventBridge Source is commerceforge.<source>'),
  streamId: id.describe('Stream (aggregate) the event was appended to'),
  streamVersion: z.number().int().min(1).describe('Position of the event in its stream'),
  occurredAt: z.iso.datetime({ offset: true }).describe('When it happened, ISO 8601'),
  correlationId: id.describe('Shared by every event of one business transaction'),
  causationId: id.describe('eventId (or command id) of what caused this event'),
  traceparent: traceparentSchema,
  actor: actorSchema,
  causationDepth: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe(
      'Hops from the first event of the transaction (0); absent on older events, read as 0. The loop guard',
    ),
};

/** Any envelope, data unchecked: the first gate of parseEvent and what the observability kernel sniffs. */
export const eventEnvelopeSchema = z.object({
  ...envelopeMetaShape,
  data: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** The envelope fields other than the typed ones (type, version, source, data). */
export type EnvelopeMeta = Omit<EventEnvelope, 'type' | 'version' | 'source' | 'data'>;

/** The typed envelope schema for one (type, version): what the registry and the JSON Schemas are built from. */
export function envelopeSchemaFor<
  const T extends string,
  const V extends number,
  const S extends EventSource,
  D extends z.ZodType,
>(type: T, version: V, source: S, data: D) {
  return z.object({
    ...envelopeMetaShape,
    type: z.literal(type),
    version: z.literal(version),
    source: z.literal(source),
    data,
  });
}
