import { ForbiddenError } from '../domain/errors.js';
import type { CommandInvoker } from './commands.js';
import { type Caller, principalOf } from './identity.js';

export const SECURITY_COMMANDS_ENV = 'SECURITY_COMMANDS_FUNCTION';

export interface Denial {
  /** The GraphQL operation, e.g. `Mutation.restock`. */
  readonly action: string;
  /** What was asked for (ids only), e.g. `order/<id>`. */
  readonly resource: string;
  readonly reason: string;
}

/**
 * Records a denial as security's SecurityAuditRecorded (RecordAudit), then throws the ForbiddenError the
 * client sees. If the audit cannot be written the caller still gets ForbiddenError (the denial stands) and
 * the failure is logged: refusing is never weakened by an audit outage.
 */
export async function deny(
  invoker: CommandInvoker,
  securityFunction: string | undefined,
  caller: Caller,
  denial: Denial,
  log: (message: string, details: Record<string, unknown>) => void = () => {},
): Promise<never> {
  if (securityFunction) {
    try {
      await invoker.invoke(
        securityFunction,
        {
          type: 'RecordAudit',
          data: {
            category: 'ACCESS_DENIAL',
            principal: principalOf(caller),
            action: denial.action,
            resource: denial.resource,
            outcome: 'DENIED',
            details: { reason: denial.reason },
          },
        },
        { type: 'service', id: 'graphql' },
      );
    } catch (error) {
      log('denial not audited', { error: String(error), action: denial.action });
    }
  } else {
    log('denial not audited: no security function configured', { action: denial.action });
  }
  throw new ForbiddenError(`FORBIDDEN: ${denial.reason}`, { action: denial.action });
}
