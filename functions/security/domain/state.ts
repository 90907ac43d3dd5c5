import { assertNever, type Fact } from '../../kernel/domain/decider.js';
import type { EventData } from '../../kernel/events/catalogue.js';

/** The facts an audit stream holds (stream id `audit#<principalType>#<principalId>`). */
export type AuditFact = Fact<'SecurityAuditRecorded'>;
export type Principal = EventData<'SecurityAuditRecorded'>['principal'];

/**
 * How many recent audit ids the state remembers to drop a redelivered record. Redeliveries (EventBridge,
 * SQS, Lambda retries) arrive within minutes, a handful of records later; keeping every id would make the
 * state of a busy principal grow without end.
 */
export const RECENT_AUDITS = 100;

export type AuditState =
  | { readonly status: 'NONE' }
  | {
      readonly status: 'RECORDING';
      readonly principal: Principal;
      readonly recentAuditIds: readonly string[];
    };

export const initialState = (): AuditState => ({ status: 'NONE' });

export function evolve(state: AuditState, fact: AuditFact): AuditState {
  switch (fact.type) {
    case 'SecurityAuditRecorded': {
      const recent = state.status === 'RECORDING' ? state.recentAuditIds : [];
      return {
        status: 'RECORDING',
        principal: fact.data.principal,
        recentAuditIds: [...recent, fact.data.auditId].slice(-RECENT_AUDITS),
      };
    }
    default:
      return assertNever(fact.type);
  }
}
