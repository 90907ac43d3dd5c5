import type { DomainEvent } from '../events/catalogue.js';
import { parseEventBridgeEvent } from '../events/parse.js';
import type { ProjectionOutcome, Projector } from './projector.js';

/**
 * The body of a projector function subscribed to the bus: validate and upcast the EventBridge event, then
 * hand it to each projector. A failure throws: Lambda retries the asynchronous invocation (twice, 1 and 2
 * minutes apart) and then sends the event to the function's failure queue, which alarms (the rule's DLQ only
 * gets events EventBridge could not hand to Lambda); a retry is safe, the projectors being idempotent by
 * stream version.
 *
 *   const products = createProjector({ client, tableName: process.env.PRODUCTS_TABLE_NAME!, projection, reader: store });
 *   export const handler = withObservability({ service: 'inventory' }, projectEventBridgeEvent([products]));
 */
export function projectEventBridgeEvent(
  projectors: readonly Projector[],
): (event: unknown) => Promise<{ eventId: string; outcomes: ProjectionOutcome[] }> {
  return async (event) => {
    const parsed: DomainEvent = parseEventBridgeEvent(event);
    const outcomes: ProjectionOutcome[] = [];
    for (const projector of projectors) outcomes.push(await projector.project(parsed));
    return { eventId: parsed.eventId, outcomes };
  };
}
