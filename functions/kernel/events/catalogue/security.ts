import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { id } from '../primitives.js';

export const SecurityAuditRecordedV1 = z.object({
  auditId: id,
  principal: z.object({ type: z.enum(['user', 'service', 'anonymous']), id }),
  action: z.string().check(z.minLength(1), z.maxLength(200), z.describe('e.g. placeOrder, users:DeleteUser')),
  resource: z.string().check(z.minLength(1), z.maxLength(500)),
  outcome: z.enum(['ALLOWED', 'DENIED', 'FAILED']),
  sourceIp: z.optional(z.string().check(z.maxLength(45))),
  details: z.optional(z.record(z.string(), z.string().check(z.maxLength(1000)))),
});

export const securityEvents = [
  defineEvent({
    type: 'SecurityAuditRecorded',
    service: 'security',
    description: 'A security-relevant action was recorded in the audit trail',
    versions: [SecurityAuditRecordedV1],
  }),
] as const;
