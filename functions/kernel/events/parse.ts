import { EventValidationError } from '../errors.js';
import * as z from '../zod.js';
import { type CatalogueEntry, catalogueEntries, type DomainEvent, eventDefinitions } from './catalogue.js';
import type { EventDefinition } from './define.js';
import { type EventEnvelope, eventBridgeSource, eventEnvelopeSchema } from './envelope.js';

/**
 * Reading events: validate the envelope, then the data against the schema of its (type, version), then
 * upcast to the newest version and validate that too (a wrong upcaster fails loudly, not downstream).
 */
export interface EventReader<E> {
  parseEvent(detail: unknown): E;
  upcast(envelope: EventEnvelope): E;
}

export function createEventReader<E = EventEnvelope>(
  definitions: readonly EventDefinition[],
): EventReader<E> {
  const entries = catalogueEntries(definitions);
  const byKey = new Map<string, CatalogueEntry>(entries.map((e) => [`${e.type}@${e.version}`, e]));
  const byType = new Map(definitions.map((d) => [d.type, d]));

  function upcast(envelope: EventEnvelope): E {
    const def = byType.get(envelope.type);
    if (!def) {
      throw new EventValidationError('UNKNOWN_EVENT_TYPE', `unknown event type ${envelope.type}`, {
        eventType: envelope.type,
        eventVersion: envelope.version,
        eventId: envelope.eventId,
      });
    }
    const latest = def.versions.length;
    if (envelope.version > latest) {
      throw new EventValidationError(
        'UNKNOWN_EVENT_VERSION',
        `${envelope.type} v${envelope.version} is newer than this code knows (v${latest}): deploy the reader first`,
        { eventType: envelope.type, eventVersion: envelope.version, eventId: envelope.eventId },
      );
    }
    let data: unknown = envelope.data;
    try {
      for (let v = envelope.version; v < latest; v++) {
        const step = (def.upcasters as readonly ((d: unknown) => unknown)[])[v - 1];
        if (!step) throw new Error(`no upcaster from v${v}`);
        data = step(data);
      }
    } catch (cause) {
      throw new EventValidationError(
        'UPCAST_FAILED',
        `upcasting ${envelope.type} v${envelope.version} failed`,
        {
          eventType: envelope.type,
          eventVersion: envelope.version,
          eventId: envelope.eventId,
          cause,
        },
      );
    }
    const target = byKey.get(`${envelope.type}@${latest}`)!;
    const result = target.schema.safeParse({ ...envelope, version: latest, data });
    if (!result.success) {
      throw new EventValidationError(
        'UPCAST_FAILED',
        `${envelope.type} v${envelope.version} upcast to v${latest} does not match the v${latest} schema`,
        {
          eventType: envelope.type,
          eventVersion: envelope.version,
          eventId: envelope.eventId,
          issues: result.error.issues,
          cause: result.error,
        },
      );
    }
    return result.data as E;
  }

  function parseEvent(detail: unknown): E {
    const base = eventEnvelopeSchema.safeParse(detail);
    if (!base.success) {
      const raw = (typeof detail === 'object' && detail !== null ? detail : {}) as Record<string, unknown>;
      throw new EventValidationError('INVALID_ENVELOPE', 'not a CommerceForge event envelope', {
        eventType: typeof raw.type === 'string' ? raw.type : undefined,
        eventVersion: typeof raw.version === 'number' ? raw.version : undefined,
        eventId: typeof raw.eventId === 'string' ? raw.eventId : undefined,
        issues: base.error.issues,
        cause: base.error,
      });
    }
    const envelope = base.data;
    const details = { eventType: envelope.type, eventVersion: envelope.version, eventId: envelope.eventId };
    const def = byType.get(envelope.type);
    if (!def)
      throw new EventValidationError('UNKNOWN_EVENT_TYPE', `unknown event type ${envelope.type}`, details);
    const entry = byKey.get(`${envelope.type}@${envelope.version}`);
    if (!entry) {
      throw new EventValidationError(
        'UNKNOWN_EVENT_VERSION',
        `${envelope.type} has no version ${envelope.version} (known: 1..${def.versions.length})`,
        details,
      );
    }
    const typed = entry.schema.safeParse(detail);
    if (!typed.success) {
      throw new EventValidationError(
        'INVALID_EVENT_DATA',
        `${envelope.type} v${envelope.version} does not match its schema`,
        { ...details, issues: typed.error.issues, cause: typed.error },
      );
    }
    return upcast(typed.data as EventEnvelope);
  }

  return { parseEvent, upcast };
}

const reader = createEventReader<DomainEvent>(eventDefinitions);

/** Validate an EventBridge `detail` against the catalogue and return it at the newest version of its type. */
export const parseEvent: (detail: unknown) => DomainEvent = reader.parseEvent;

/** Bring a (validated) envelope of any known version to the newest version of its type. */
export const upcast: (envelope: EventEnvelope) => DomainEvent = reader.upcast;

const eventBridgeEventSchema = z.object({
  source: z.string(),
  'detail-type': z.string(),
  detail: z.unknown(),
});

/**
 * Parse a whole EventBridge event (what a rule delivers to Lambda): checks that `source` and `detail-type`
 * agree with the envelope, so a mis-routed or forged event is refused.
 */
export function parseEventBridgeEvent(event: unknown): DomainEvent {
  const outer = eventBridgeEventSchema.safeParse(event);
  if (!outer.success) {
    throw new EventValidationError('INVALID_ENVELOPE', 'not an EventBridge event', {
      issues: outer.error.issues,
      cause: outer.error,
    });
  }
  const parsed = parseEvent(outer.data.detail);
  if (outer.data.source !== eventBridgeSource(parsed.source) || outer.data['detail-type'] !== parsed.type) {
    throw new EventValidationError(
      'ENVELOPE_MISMATCH',
      `EventBridge source/detail-type ${outer.data.source}/${outer.data['detail-type']} do not match the envelope ` +
        `(${eventBridgeSource(parsed.source)}/${parsed.type})`,
      { eventType: parsed.type, eventId: parsed.eventId },
    );
  }
  return parsed;
}
