import { parseEventBridgeEvent } from '../../kernel/events/parse.js';
import { withIdempotency } from '../../kernel/idempotency.js';
import { withObservability } from '../../kernel/observability.js';
import { eventStoreFromEnvironment } from '../../kernel/store/dynamodb.js';
import type { EventStore } from '../../kernel/store/index.js';
import { parseCommand } from '../domain/index.js';
import { adminAuditFor } from './admin-actions.js';
import { type AuditResult, recordAudit } from './record-audit.js';

let store: EventStore | undefined;

/**
 * Choreography: records the admin actions seen on the bus (`adminAuditFor` says which) in the audit trail.
 * Idempotent twice over: Powertools idempotency on the envelope's eventId skips a redelivery within a day,
 * and the auditId is the eventId, so a later one is dropped by the decider.
 */
export const handler = withObservability<unknown, AuditResult | { skipped: string }>(
  { service: 'security' },
  withIdempotency(async (event, _context, tools) => {
    const envelope = parseEventBridgeEvent(event);
    const data = adminAuditFor(envelope);
    if (!data) return { skipped: `${envelope.type} is not an admin action` };
    const command = parseCommand({
      type: 'RecordAudit',
      data,
      metadata: {
        commandId: envelope.eventId,
        issuedAt: tools.clock().toISOString(),
        actor: { type: 'service', id: 'security' },
      },
    });
    store ??= eventStoreFromEnvironment({ capture: (c) => tools.captureClient(c) });
    const { result } = await recordAudit(command, { store, metadata: () => tools.metadata() });
    tools.logger.info('admin action audited', { ...result, action: data.action });
    return result;
  }),
);
