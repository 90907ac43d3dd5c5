import type { Decider } from '../../kernel/domain/decider.js';
import type { SecurityCommand } from './commands.js';
import { decide } from './decide.js';
import { type AuditFact, type AuditState, evolve, initialState, type Principal } from './state.js';

/**
 * One stream per subject (the principal), not per day: appends for different principals never clash on a
 * stream version, a flood of denials from one caller contends only with itself, and "what did this
 * principal do" is one stream. A stream per day would put every audit record of the platform behind one
 * partition key and one optimistic lock. (All anonymous callers share `audit#anonymous#<id>` streams: pass
 * the API key id or a client id as the anonymous principal's id, never an IP address.)
 */
export const auditStreamId = (principal: Principal): string => `audit#${principal.type}#${principal.id}`;

export const auditDecider: Decider<SecurityCommand, AuditState, AuditFact> = { initialState, decide, evolve };
