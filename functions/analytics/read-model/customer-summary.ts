import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { EventSource } from '../../kernel/events/envelope.js';
import type { Projection } from '../../kernel/projection/index.js';
import { utcDay } from '../domain/metrics.js';

/**
 * CustomerSummary — onboarding: sign-ups per day and accounts deleted, from the users' events.
 * AGGREGATES ACROSS STREAMS (every user stream) like SalesSummary, so it is commutative and idempotent on its
 * own: it keeps one fact per user (the day it registered, whether it was deleted) and derives the numbers from
 * those. Ids only: no email, no name, so deleting an account leaves nothing personal here.
 */
export type CustomerFacts = { readonly registeredOn?: string; readonly deleted: boolean };

export type CustomerSummary = {
  /** Accounts ever registered. */
  readonly registered: number;
  /** Of those, deleted since. */
  readonly deleted: number;
  /** Sign-ups per UTC day, sorted by date. */
  readonly signupsByDay: readonly { readonly date: string; readonly signups: number }[];
  readonly updatedAt: string;
  readonly users: Readonly<Record<string, CustomerFacts>>;
};

/** The view's key, in the same table as SalesSummary. */
export const CUSTOMER_SUMMARY_KEY = 'customers';

/** Where its events come from: every event of the users service (what the analytics stack subscribes to). */
export const CUSTOMER_SUMMARY_SOURCE = 'users' satisfies EventSource;

export function projectCustomerSummary(
  view: CustomerSummary | undefined,
  event: DomainEvent,
): CustomerSummary {
  const users: Record<string, CustomerFacts> = { ...view?.users };
  switch (event.type) {
    case 'UserCreated': {
      const known = users[event.data.userId];
      users[event.data.userId] = { deleted: known?.deleted ?? false, registeredOn: utcDay(event.occurredAt) };
      break;
    }
    case 'UserDeleted': {
      const known = users[event.data.userId];
      users[event.data.userId] = { ...known, deleted: true };
      break;
    }
    default:
      // UserUpdated counts nothing, but it is a version of the user's stream the projector must step over.
      break;
  }
  const updatedAt = view && view.updatedAt > event.occurredAt ? view.updatedAt : event.occurredAt;
  return summarize(users, updatedAt);
}

function summarize(users: Record<string, CustomerFacts>, updatedAt: string): CustomerSummary {
  const byDay = new Map<string, number>();
  let registered = 0;
  let deleted = 0;
  for (const facts of Object.values(users)) {
    if (facts.registeredOn) {
      registered += 1;
      byDay.set(facts.registeredOn, (byDay.get(facts.registeredOn) ?? 0) + 1);
    }
    if (facts.deleted) deleted += 1;
  }
  return {
    registered,
    deleted,
    signupsByDay: [...byDay]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, signups]) => ({ date, signups })),
    updatedAt,
    users: Object.fromEntries(Object.entries(users).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

export const customerSummaryProjection: Projection<CustomerSummary> = {
  name: 'CustomerSummary',
  keyAttribute: 'id',
  keyOf: (event) => (event.source === CUSTOMER_SUMMARY_SOURCE ? CUSTOMER_SUMMARY_KEY : undefined),
  project: projectCustomerSummary,
  // One fact per user, whatever the order: no per-stream versions in the item (about 70 bytes a user, so
  // some 5,500 users under DynamoDB's 400 KB).
  commutative: true,
};
