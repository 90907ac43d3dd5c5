import { EventValidationError } from '../errors.js';
import { type DomainEventOf, type EventDataInput, type EventType, latestEntry } from './catalogue.js';
import { childDepth } from './causation.js';
import type { Actor, EnvelopeMeta } from './envelope.js';
import { childTraceparent, formatTraceparent } from './trace-context.js';

/**
 * Event metadata comes in through arguments, never from `new Date()` or a random call deep in the domain:
 * the adapter (handler) decides time and ids, so domain tests are exact. Defaults live in ../runtime.ts.
 */

/** Where ids come from. The default (runtime.ts) uses node:crypto; tests pass a counter. */
export interface IdGenerator {
  /** A unique id for an event, command or correlation. */
  uuid(): string;
  /** 16 lower-case hex digits. */
  spanId(): string;
  /** 32 lower-case hex digits, the first 8 being the epoch seconds of `at` (X-Ray compatible). */
  traceId(at: Date): string;
}

export type Clock = () => Date;

/** What links an event to the rest of its business transaction. */
export interface CausalMetadata {
  readonly correlationId: string;
  readonly causationId: string;
  readonly traceparent: string;
  /** How many events lie between this one and the first of its transaction (kernel/events/causation.ts). */
  readonly causationDepth?: number;
}

/** Everything but the typed part of a new event. */
export interface EventMetadata extends CausalMetadata {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly actor: Actor;
}

/**
 * Metadata for an event caused by `parent`: same correlation id, causation id = the parent's event id, and
 * a traceparent in the same trace with a new span id (the new event is a child span of the parent).
 */
export function causedBy(
  parent: Pick<EnvelopeMeta, 'eventId' | 'correlationId' | 'traceparent' | 'causationDepth'>,
  newSpanId: string,
): CausalMetadata {
  const traceparent = childTraceparent(parent.traceparent, newSpanId);
  if (!traceparent || !/^[0-9a-f]{16}$/.test(newSpanId) || /^0+$/.test(newSpanId)) {
    throw new EventValidationError(
      'INVALID_TRACEPARENT',
      `cannot derive a traceparent from ${parent.traceparent} with span ${newSpanId}`,
      { eventId: parent.eventId },
    );
  }
  return {
    correlationId: parent.correlationId,
    causationId: parent.eventId,
    traceparent,
    causationDepth: childDepth(parent),
  };
}

/**
 * Metadata for the first event of a transaction that no event caused (a GraphQL mutation, a schedule):
 * a new correlation id, the command (request) id as causation id, a new trace unless one is given.
 */
export function rootMetadata(input: {
  correlationId: string;
  commandId: string;
  traceId: string;
  spanId: string;
  sampled?: boolean;
}): CausalMetadata {
  return {
    correlationId: input.correlationId,
    causationId: input.commandId,
    causationDepth: 0,
    traceparent: formatTraceparent({
      traceId: input.traceId,
      spanId: input.spanId,
      flags: input.sampled === false ? '00' : '01',
    }),
  };
}

/** The typed part of a new event, as a domain `decide` function returns it. */
export interface NewEvent<T extends EventType> {
  readonly type: T;
  readonly data: EventDataInput<T>;
  readonly streamId: string;
  readonly streamVersion: number;
}

/**
 * Build the envelope of a new event at the newest version of its type, validated against the contract (so
 * a producer bug fails here, not in every consumer). Throws EventValidationError with the zod issues.
 */
export function createEvent<T extends EventType>(
  input: NewEvent<T>,
  metadata: EventMetadata,
): DomainEventOf<T> {
  const entry = latestEntry(input.type);
  if (!entry) {
    throw new EventValidationError('UNKNOWN_EVENT_TYPE', `unknown event type ${String(input.type)}`, {
      eventType: input.type,
      eventId: metadata.eventId,
    });
  }
  const candidate = {
    eventId: metadata.eventId,
    type: entry.type,
    version: entry.version,
    source: entry.service,
    streamId: input.streamId,
    streamVersion: input.streamVersion,
    occurredAt: metadata.occurredAt,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    traceparent: metadata.traceparent,
    actor: metadata.actor,
    ...(metadata.causationDepth === undefined ? {} : { causationDepth: metadata.causationDepth }),
    data: input.data,
  };
  const result = entry.schema.safeParse(candidate);
  if (!result.success) {
    throw new EventValidationError('INVALID_EVENT_DATA', `new ${entry.type} v${entry.version} is invalid`, {
      eventType: entry.type,
      eventVersion: entry.version,
      eventId: metadata.eventId,
      issues: result.error.issues,
      cause: result.error,
    });
  }
  return result.data as DomainEventOf<T>;
}
