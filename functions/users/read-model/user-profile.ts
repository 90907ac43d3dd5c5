import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { Projection } from '../../kernel/projection/index.js';

/** The environment variable holding this read model's table name (set by the stack that grants it). */
export const USER_PROFILE_TABLE_ENV = 'USER_PROFILE_TABLE';

/**
 * UserProfile — what `user(id)` and `Order.customer` read. PER STREAM (stream id = user id), rebuildable from
 * that stream. UserDeleted leaves a TOMBSTONE, not undefined: the personal data (email, name) is gone, but
 * the view keeps the stream version, so a redelivered or late UserCreated/UserUpdated (version at or below
 * the tombstone's) cannot bring the data back — a deleted row would have nothing to compare against. The
 * GraphQL resolver shows a tombstone as no user.
 */
export type UserProfile =
  | {
      readonly status: 'ACTIVE';
      readonly userId: string;
      readonly email: string;
      readonly name: string;
      readonly createdAt: string;
      readonly updatedAt: string;
      readonly version: number;
    }
  | {
      readonly status: 'DELETED';
      readonly userId: string;
      readonly deletedAt: string;
      readonly updatedAt: string;
      readonly version: number;
    };

export function projectUserProfile(
  view: UserProfile | undefined,
  event: DomainEvent,
): UserProfile | undefined {
  switch (event.type) {
    case 'UserCreated': {
      if (view && event.streamVersion <= view.version) return view;
      if (view?.status === 'DELETED')
        return { ...view, updatedAt: event.occurredAt, version: event.streamVersion };
      const { userId, email, name } = event.data;
      return {
        status: 'ACTIVE',
        userId,
        email,
        name,
        createdAt: event.occurredAt,
        updatedAt: event.occurredAt,
        version: event.streamVersion,
      };
    }
    case 'UserUpdated': {
      if (!view || event.streamVersion <= view.version) return view;
      const { email, name } = event.data.changes;
      const stamp = { updatedAt: event.occurredAt, version: event.streamVersion };
      if (view.status === 'DELETED') return { ...view, ...stamp };
      return {
        ...view,
        ...(email === undefined ? {} : { email }),
        ...(name === undefined ? {} : { name }),
        ...stamp,
      };
    }
    case 'UserDeleted': {
      if (view && event.streamVersion <= view.version) return view;
      return {
        status: 'DELETED',
        userId: event.data.userId,
        deletedAt: event.occurredAt,
        updatedAt: event.occurredAt,
        version: event.streamVersion,
      };
    }
    default:
      return view;
  }
}

/** The user an event belongs to (the view key), or undefined for other events. */
export function userProfileKey(event: DomainEvent): string | undefined {
  switch (event.type) {
    case 'UserCreated':
    case 'UserUpdated':
    case 'UserDeleted':
      return event.data.userId;
    default:
      return undefined;
  }
}

/** For the kernel projector: table partition key `userId`. */
export const userProfileProjection: Projection<UserProfile> = {
  name: 'UserProfile',
  keyAttribute: 'userId',
  keyOf: userProfileKey,
  project: (view, event) => {
    const next = projectUserProfile(view, event);
    if (!next)
      throw new Error(
        `UserProfile: ${event.type} ${event.streamId}@${event.streamVersion} before UserCreated`,
      );
    return next;
  },
};
