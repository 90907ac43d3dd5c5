import * as z from '../zod.js';
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
  id: z.string().check(z.minLength(1), z.maxLength(256)),
});
export type Actor = z.infer<typeof actorSchema>;

export const traceparentSchema = z
  .string()
  .check(
    z.regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/),
    z.refine(isValidTraceparent, 'trace id and span id must not be all zeros'),
    z.describe('W3C trace context: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>'),
  );

/**
 * The metadata every event carries, whatever its type. `data` is typed per (type, version) in the catalogue.
 * Unknown extra keys are stripped, not rejected, so adding an optional envelope field later is not a
 * breaking change for running consumers.
 */
export const envelopeMetaShape = {
  eventId: id.check(z.describe('Unique id of this event; consumers deduplicate on it')),
  type: z
    .string()
    .check(
      z.regex(/^[A-Z][A-Za-z0-9]*$/),
      z.describe('Past-tense event name, also the EventBridge DetailType'),
    ),
  version: z.number().check(z.int(), z.gte(1), z.describe('Schema version of this event type')),
  source: z
    .enum(eventSources)
    .check(z.describe('Publishing service; EventBridge Source is commerceforge.<source>')),
  streamId: id.check(z.describe('Stream (aggregate) the event was appended to')),
  streamVersion: z.number().check(z.int(), z.gte(1), z.describe('Position of the event in its stream')),
  occurredAt: z.iso.datetime({ offset: true }).check(z.describe('When it happened, ISO 8601')),
  correlationId: id.check(z.describe('Shared by every event of one business transaction')),
  causationId: id.check(z.describe('eventId (or command id) of what caused this event')),
  traceparent: traceparentSchema,
  actor: actorSchema,
  causationDepth: z
    .optional(z.number().check(z.int(), z.gte(0), z.lte(1000)))
    .check(
      z.describe(
        'Hops from the first event of the transaction (0); absent on older events, read as 0. The loop guard',
      ),
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
  D extends z.ZodMiniType,
>(type: T, version: V, source: S, data: D) {
  return z.object({
    ...envelopeMetaShape,
    type: z.literal(type),
    version: z.literal(version),
    source: z.literal(source),
    data,
  });
}
