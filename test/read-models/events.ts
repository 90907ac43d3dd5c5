import type { DomainEvent, EventDataInput, EventType } from '../../functions/kernel/events/catalogue.js';
import { latestVersion, serviceOf } from '../../functions/kernel/events/catalogue.js';
import { parseEvent } from '../../functions/kernel/events/parse.js';

/**
 * A contract-valid event (parsed by the kernel, so a test cannot feed a projection data the catalogue
 * would refuse). eventId defaults to `<streamId>@<streamVersion>`.
 */
export function event<T extends EventType>(
  type: T,
  data: EventDataInput<T>,
  at: { streamId: string; streamVersion: number; occurredAt?: string; eventId?: string },
): DomainEvent {
  return parseEvent({
    eventId: at.eventId ?? `${at.streamId}@${at.streamVersion}`,
    type,
    version: latestVersion(type),
    source: serviceOf(type),
    streamId: at.streamId,
    streamVersion: at.streamVersion,
    occurredAt: at.occurredAt ?? '2025-03-01T12:00:00.000Z',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    traceparent: '00-67c2f5c0aaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01',
    actor: { type: 'service', id: 'test' },
    data,
  });
}

/** Applies events left to right, as the projector does. */
export function project<V>(
  projection: (view: V | undefined, e: DomainEvent) => V | undefined,
  events: readonly DomainEvent[],
  from?: V,
): V | undefined {
  return events.reduce<V | undefined>(projection, from);
}

/** Every permutation of a short list (order-independence tests). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
