import { describe, expect, it } from 'vitest';
import {
  customerSummaryProjection,
  projectCustomerSummary,
} from '../../functions/analytics/read-model/customer-summary.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { applyEvents, emptyState } from '../../functions/kernel/projection/index.js';
import { event, permutations } from '../helpers/events.js';

const created = (userId: string, occurredAt: string) =>
  event(
    'UserCreated',
    { userId, email: `${userId}@example.com`, name: 'A Person' },
    { streamId: `user#${userId}`, streamVersion: 1, occurredAt },
  );
const updated = (userId: string) =>
  event(
    'UserUpdated',
    { userId, changes: { name: 'Another Name' } },
    { streamId: `user#${userId}`, streamVersion: 2, occurredAt: '2025-03-02T08:00:00.000Z' },
  );
const deleted = (userId: string, version: number) =>
  event(
    'UserDeleted',
    { userId, reason: 'REQUESTED_BY_USER' },
    { streamId: `user#${userId}`, streamVersion: version, occurredAt: '2025-03-03T08:00:00.000Z' },
  );

const events: DomainEvent[] = [
  created('u1', '2025-03-01T10:00:00.000Z'),
  created('u2', '2025-03-01T23:30:00.000Z'),
  created('u3', '2025-03-02T00:10:00.000Z'),
  updated('u1'),
  deleted('u2', 2),
];
const fold = (list: readonly DomainEvent[]) =>
  list.reduce<ReturnType<typeof projectCustomerSummary> | undefined>(projectCustomerSummary, undefined);

describe('CustomerSummary', () => {
  it('counts sign-ups per UTC day and deletions, with ids only', () => {
    const view = fold(events)!;
    expect(view).toMatchObject({
      registered: 3,
      deleted: 1,
      signupsByDay: [
        { date: '2025-03-01', signups: 2 },
        { date: '2025-03-02', signups: 1 },
      ],
      updatedAt: '2025-03-03T08:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toContain('@example.com');
  });

  it('ends the same whatever the delivery order, and the same when everything is delivered twice', () => {
    const expected = JSON.stringify(fold(events));
    for (const order of permutations(events)) expect(JSON.stringify(fold(order))).toBe(expected);
    expect(JSON.stringify(fold([...events, ...events]))).toBe(expected);
  });

  // CustomerSummary is commutative: the kernel keeps no versions for it and parks nothing.
  it('counts a deletion after UserUpdated through the kernel projector, without parking it', () => {
    const through = (list: readonly DomainEvent[]) => {
      let state = emptyState<ReturnType<typeof projectCustomerSummary>>();
      for (const e of list) {
        state = applyEvents(state, [e], customerSummaryProjection, customerSummaryProjection.keyOf(e)!).state;
      }
      return state;
    };
    const state = through([created('u9', '2025-03-01T10:00:00.000Z'), updated('u9'), deleted('u9', 3)]);
    expect(state.versions).toEqual({});
    expect(state.pending).toEqual({});
    expect(state.view).toMatchObject({ registered: 1, deleted: 1 });
    // The deletion first, and UserUpdated never seen: the same numbers.
    expect(through([deleted('u9', 3), created('u9', '2025-03-01T10:00:00.000Z')]).view).toMatchObject({
      registered: 1,
      deleted: 1,
    });
  });
});
