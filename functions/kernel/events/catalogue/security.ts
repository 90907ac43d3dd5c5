import * as z from 'zod';
import { defineEvent } from '../define.js';
import { id } from '../primitives.js';

export const SecurityAuditRecordedV1 = z.object({
  auditId: id,
  principal: z.object({ type: z.enum(['user', 'service', 'anonymous']), id }),
  action: z.string().min(1).max(200).describe('e.g. placeOrder, users:DeleteUser'),
  resource: z.string().min(1).max(500),
  outcome: z.enum(['ALLOWED', 'DENIED', 'FAILED']),
  sourceIp: z.string().max(45).optional(),
  details: z.record(z.string(), z.string().max(1000)).optional(),
});

export const securityEvents = [
  defineEvent({
    type: 'SecurityAuditRecorded',
    service: 'security',
    description: 'A security-relevant action was recorded in the audit trail',
    versions: [SecurityAuditRecordedV1],
  }),
] as const;
