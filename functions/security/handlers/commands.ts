import { commandHandler } from '../../kernel/service/command-handler.js';
import { parseCommand as parseSecurityCommand, type SecurityCommand } from '../domain/index.js';
import { type AuditResult, recordAudit } from './record-audit.js';

/**
 * The security service's commands: the audit trail. Other services and the GraphQL layer invoke it (Lambda
 * Invoke on the `live` alias) for access denials and admin actions — ids and codes only:
 *
 *   { command: { type: 'RecordAudit', data: {
 *       auditId?,                                   // default: the invocation's commandId (a retry dedupes)
 *       category: 'ACCESS_DENIAL' | 'ADMIN_ACTION',
 *       principal: { type: 'user' | 'service' | 'anonymous', id },
 *       action, resource, outcome: 'ALLOWED' | 'DENIED' | 'FAILED',
 *       details? } },
 *     actor?, commandId? }
 *
 * Answer: `{ events, result: { auditId, streamId, version, recorded } }`; `recorded: false` when that auditId
 * was recorded already. An email or IP address anywhere is refused (ValidationError), as is an access denial
 * whose outcome is not DENIED (BusinessRuleError).
 */
export const handler = commandHandler<SecurityCommand, AuditResult>({
  service: 'security',
  parseCommand: (input) => parseSecurityCommand(withDefaultAuditId(input)),
  execute: (command, context) => recordAudit(command, context),
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A record without an auditId takes the command id: the same command retried is the same record. */
export function withDefaultAuditId(input: unknown): unknown {
  if (!isObj(input) || input.type !== 'RecordAudit' || !isObj(input.data) || !isObj(input.metadata)) {
    return input;
  }
  if (input.data.auditId !== undefined || typeof input.metadata.commandId !== 'string') return input;
  return { ...input, data: { ...input.data, auditId: input.metadata.commandId } };
}
