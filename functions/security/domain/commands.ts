import { type CommandMetadata, commandMetadata, parseWith } from '../../kernel/domain/commands.js';
import { SecurityAuditRecordedV1 } from '../../kernel/events/catalogue/security.js';
import * as z from '../../kernel/zod.js';

export { type CommandMetadata, commandMetadata };

/**
 * The audit trail holds ids, never personal data: a value that carries an email address or an IP address
 * is refused. It is a guard against the obvious leaks (a resolver passing `input.email` along), not a
 * classifier: callers pass ids (userId, orderId, sku) and codes.
 */
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/;
// Full form (8 groups) or compressed (`::`); a time such as 12:00:00 is not mistaken for one.
const IPV6 =
  /\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|(?:^|[^0-9a-z:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![0-9a-z:])/i;
const noPersonalData = (value: string) => !EMAIL.test(value) && !IPV4.test(value) && !IPV6.test(value);
const idsOnly = <T extends z.ZodMiniString>(schema: T) =>
  schema.check(
    z.refine(noPersonalData, { message: 'ids and codes only: no email or IP address in the audit trail' }),
  );

const shape = SecurityAuditRecordedV1.shape;

/** ACCESS_DENIAL: a caller was refused (outcome DENIED). ADMIN_ACTION: an administrator did something. */
export const auditCategory = z.enum(['ACCESS_DENIAL', 'ADMIN_ACTION']);
export type AuditCategory = z.infer<typeof auditCategory>;

export const RecordAudit = z.strictObject({
  type: z.literal('RecordAudit'),
  data: z.strictObject({
    auditId: shape.auditId,
    category: auditCategory,
    principal: z.strictObject({ type: shape.principal.shape.type, id: idsOnly(shape.principal.shape.id) }),
    action: idsOnly(shape.action),
    resource: idsOnly(shape.resource),
    outcome: shape.outcome,
    // No sourceIp: an IP address is personal data. The request is found again through the correlation id.
    details: z.optional(
      z
        .record(
          z.string().check(z.minLength(1), z.maxLength(64)),
          idsOnly(z.string().check(z.maxLength(1000))),
        )
        .check(
          z.refine((d) => Object.keys(d).length <= 20, { message: 'at most 20 details' }),
          z.refine((d) => !('category' in d), { message: 'category is set from the command' }),
        ),
    ),
  }),
  metadata: commandMetadata,
});

export const securityCommandSchema = z.discriminatedUnion('type', [RecordAudit]);

export type SecurityCommand = z.infer<typeof securityCommandSchema>;
export type RecordAudit = z.infer<typeof RecordAudit>;

/** The boundary: anything that is not a well-formed security command is a ValidationError with zod's issues. */
export function parseCommand(input: unknown): SecurityCommand {
  return parseWith(securityCommandSchema, input, 'security');
}
