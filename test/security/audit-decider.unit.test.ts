import { describe, expect, it } from 'vitest';
import { BusinessRuleError, ValidationError } from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type AuditFact,
  auditDecider,
  auditStreamId,
  parseCommand,
  RECENT_AUDITS,
  type SecurityCommand,
} from '../../functions/security/domain/index.js';
import { spec } from '../helpers/decider.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'service', id: 'orders-api' },
} as const;
const principal = { type: 'user', id: 'user-2' } as const;

type RecordData = Extract<SecurityCommand, { type: 'RecordAudit' }>['data'];
const recordAudit = (data: Partial<RecordData> = {}): SecurityCommand => ({
  type: 'RecordAudit',
  data: {
    auditId: 'audit-1',
    category: 'ACCESS_DENIAL',
    principal,
    action: 'order',
    resource: 'order/order-1',
    outcome: 'DENIED',
    ...data,
  },
  metadata,
});
const recorded = (
  auditId = 'audit-1',
  details: Record<string, string> = { category: 'ACCESS_DENIAL' },
): AuditFact => ({
  type: 'SecurityAuditRecorded',
  data: { auditId, principal, action: 'order', resource: 'order/order-1', outcome: 'DENIED', details },
});

const given = (facts: AuditFact[]) => spec(auditDecider).given(facts);

describe('security audit decider', () => {
  it('records an access denial', () => {
    given([]).when(recordAudit()).thenEmits([recorded()]);
  });

  it('records an admin action with its details and category', () => {
    given([])
      .when(
        recordAudit({
          category: 'ADMIN_ACTION',
          action: 'users:DeleteUser',
          resource: 'user/user-9',
          outcome: 'ALLOWED',
          details: { reason: 'FRAUD' },
        }),
      )
      .thenEmits([
        {
          type: 'SecurityAuditRecorded',
          data: {
            auditId: 'audit-1',
            principal,
            action: 'users:DeleteUser',
            resource: 'user/user-9',
            outcome: 'ALLOWED',
            details: { reason: 'FRAUD', category: 'ADMIN_ACTION' },
          },
        },
      ]);
  });

  it('records a failed admin action', () => {
    given([])
      .when(recordAudit({ category: 'ADMIN_ACTION', outcome: 'FAILED' }))
      .thenEmits([
        {
          type: 'SecurityAuditRecorded',
          data: { ...recorded().data, outcome: 'FAILED', details: { category: 'ADMIN_ACTION' } },
        },
      ]);
  });

  it('appends after earlier records of the principal', () => {
    given([recorded('audit-1')])
      .when(recordAudit({ auditId: 'audit-2' }))
      .thenEmits([recorded('audit-2')]);
  });

  it('refuses an access denial that was not denied', () => {
    given([])
      .when(recordAudit({ outcome: 'ALLOWED' }))
      .thenThrows(BusinessRuleError, 'access-denial-is-denied');
  });

  it("refuses a record of another principal on this principal's stream", () => {
    given([recorded()])
      .when(recordAudit({ auditId: 'audit-2', principal: { type: 'service', id: 'user-2' } }))
      .thenThrows(BusinessRuleError, 'one-stream-per-principal');
  });

  it('emits nothing for a redelivered record', () => {
    given([recorded('audit-1'), recorded('audit-2')])
      .when(recordAudit({ auditId: 'audit-1' }))
      .thenEmits([]);
  });

  it(`remembers the last ${RECENT_AUDITS} ids, not every id`, () => {
    const history = Array.from({ length: RECENT_AUDITS + 1 }, (_, i) => recorded(`audit-${i}`));
    given(history)
      .when(recordAudit({ auditId: `audit-${RECENT_AUDITS}` }))
      .thenEmits([]);
    given(history)
      .when(recordAudit({ auditId: 'audit-1' }))
      .thenEmits([]);
    given(history)
      .when(recordAudit({ auditId: 'audit-0' }))
      .thenEmits([recorded('audit-0')]);
  });

  it('emits facts the event catalogue accepts', () => {
    expect(latestEntry('SecurityAuditRecorded')?.dataSchema.safeParse(recorded().data).error).toBeUndefined();
  });

  it('names the stream after the principal', () => {
    expect(auditStreamId(principal)).toBe('audit#user#user-2');
    expect(auditStreamId({ type: 'anonymous', id: 'api-key-1' })).toBe('audit#anonymous#api-key-1');
  });
});

describe('security parseCommand', () => {
  const input = (data: Record<string, unknown> = {}) => ({
    type: 'RecordAudit',
    data: { ...(recordAudit().data as object), ...data },
    metadata,
  });
  const issuesOf = (raw: unknown) => {
    try {
      parseCommand(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).details.issues as { path: PropertyKey[] }[];
      return [...new Set(issues.map((i) => i.path.join('.')))];
    }
    throw new Error('expected a ValidationError');
  };

  it('accepts a well-formed record', () => {
    expect(parseCommand(input({ details: { at: '12:00:00', rule: 'owner-only' } }))).toEqual(
      input({ details: { at: '12:00:00', rule: 'owner-only' } }),
    );
  });

  it.each([
    [
      'an email as the principal id',
      { principal: { type: 'user', id: 'ann@example.com' } },
      'data.principal.id',
    ],
    ['an email in the resource', { resource: 'user/ann@example.com' }, 'data.resource'],
    ['an email in the details', { details: { input: 'Ann <ann@example.com>' } }, 'data.details.input'],
    ['an IPv4 address in the details', { details: { from: '203.0.113.7' } }, 'data.details.from'],
    ['an IPv6 address in the details', { details: { from: '2001:db8::1' } }, 'data.details.from'],
    ['a sourceIp', { sourceIp: '203.0.113.7' }, 'data'],
    ['a category in the details', { details: { category: 'OTHER' } }, 'data.details'],
    [
      'more than 20 details',
      { details: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) },
      'data.details',
    ],
    ['an unknown category', { category: 'LOGIN' }, 'data.category'],
    ['an unknown outcome', { outcome: 'MAYBE' }, 'data.outcome'],
    ['an unknown principal type', { principal: { type: 'robot', id: 'r-1' } }, 'data.principal.type'],
    ['an empty action', { action: '' }, 'data.action'],
  ])('refuses %s', (_, data, path) => {
    expect(issuesOf(input(data))).toEqual([path]);
  });

  it('refuses an unknown command', () => {
    expect(issuesOf({ ...input(), type: 'EraseAudit' })).toEqual(['type']);
  });
});
