import { assertNever } from '../../kernel/domain/decider.js';
import { BusinessRuleError } from '../../kernel/domain/errors.js';
import type { RecordAudit, SecurityCommand } from './commands.js';
import type { AuditFact, AuditState } from './state.js';

/**
 * Rules:
 * - an access denial is recorded with outcome DENIED; an admin action with any outcome;
 * - a stream holds one principal's records (the handler picks the stream from the principal);
 * - a record seen recently (same auditId) emits nothing: redelivery is safe.
 * The category travels in `details.category`, the event having no field of its own for it.
 */
export function decide(command: SecurityCommand, state: AuditState): AuditFact[] {
  switch (command.type) {
    case 'RecordAudit':
      return record(command, state);
    default:
      return assertNever(command.type);
  }
}

function record(command: RecordAudit, state: AuditState): AuditFact[] {
  const { auditId, category, principal, action, resource, outcome, details } = command.data;
  if (category === 'ACCESS_DENIAL' && outcome !== 'DENIED') {
    throw new BusinessRuleError(
      'access-denial-is-denied',
      'an access denial is recorded with outcome DENIED',
      {
        auditId,
        outcome,
      },
    );
  }
  if (state.status === 'RECORDING') {
    if (state.principal.type !== principal.type || state.principal.id !== principal.id) {
      throw new BusinessRuleError(
        'one-stream-per-principal',
        'this audit stream belongs to another principal',
        {
          auditId,
        },
      );
    }
    if (state.recentAuditIds.includes(auditId)) return [];
  }
  return [
    {
      type: 'SecurityAuditRecorded',
      data: { auditId, principal, action, resource, outcome, details: { ...details, category } },
    },
  ];
}
