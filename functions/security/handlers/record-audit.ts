import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { EventStore } from '../../kernel/store/index.js';
import { handleCommand, type MetadataSource } from '../../kernel/store/index.js';
import { auditDecider, auditStreamId, type RecordAudit } from '../domain/index.js';

/** What RecordAudit answers: where the record is, and whether this call wrote it (false: seen before). */
export interface AuditResult {
  readonly auditId: string;
  readonly streamId: string;
  readonly version: number;
  readonly recorded: boolean;
}

/**
 * RecordAudit on the principal's stream — shared by the Commands function (callers' records) and the
 * admin-action reaction (records of what it sees on the bus), so both go through the same decider.
 */
export async function recordAudit(
  command: RecordAudit,
  context: { readonly store: EventStore; readonly metadata: MetadataSource },
): Promise<{ events: readonly DomainEvent[]; result: AuditResult }> {
  const streamId = auditStreamId(command.data.principal);
  const outcome = await handleCommand({
    store: context.store,
    decider: auditDecider,
    streamId,
    command,
    metadata: context.metadata,
    // A busy principal's stream grows without end; its state is a bounded list of recent ids.
    snapshots: { every: 50, revision: '1' },
  });
  return {
    events: outcome.events,
    result: {
      auditId: command.data.auditId,
      streamId,
      version: outcome.version,
      recorded: outcome.events.length > 0,
    },
  };
}
