import type { Fact } from '../../kernel/domain/decider.js';
import type { DomainEvent, EventType } from '../../kernel/events/catalogue.js';
import { createEvent, type NewEvent } from '../../kernel/events/metadata.js';
import type { MetadataSource, StreamWrite } from '../../kernel/store/index.js';

/** Facts decided for one stream → the envelopes to append after `version` (what handleCommand does for one). */
export function streamWrite(
  streamId: string,
  version: number,
  facts: readonly Fact[],
  metadata: MetadataSource,
): StreamWrite & { readonly events: readonly DomainEvent[] } {
  const events = facts.map(
    (fact, i) =>
      createEvent(
        { type: fact.type, data: fact.data, streamId, streamVersion: version + i + 1 } as NewEvent<EventType>,
        metadata(),
      ) as DomainEvent,
  );
  return { streamId, expectedVersion: version, events };
}
