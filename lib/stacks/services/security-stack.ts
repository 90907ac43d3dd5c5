import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import { adminActionSubscriptions } from '../../../functions/security/handlers/admin-actions.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const handlerEntry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/security/handlers/${file}`, import.meta.url));

/**
 * The security bounded context: the audit trail. `Commands` (RecordAudit, invoked by other services and the
 * GraphQL layer) and `OnAdminAction`, which records the admin actions it sees on the bus.
 */
export class SecurityStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'security' }, props);

    const commands = this.addFunction('Commands', {
      entry: handlerEntry('commands.ts'),
      description: 'security: RecordAudit (access denials and admin actions, ids only)',
    });
    this.store.grantAppend(commands);

    const onAdminAction = this.addFunction('OnAdminAction', {
      entry: handlerEntry('on-admin-action.ts'),
      description: 'security: audit records of admin actions seen on the bus',
    });
    this.store.grantAppend(onAdminAction);
    this.idempotency.grant(onAdminAction);
    for (const { id: ruleId, pattern } of adminActionSubscriptions) {
      this.subscribe(ruleId, onAdminAction, {
        source: [...pattern.source],
        detailType: [...pattern.detailType],
        detail: pattern.detail,
      });
    }
  }
}
