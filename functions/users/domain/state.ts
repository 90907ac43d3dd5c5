import { assertNever, type Fact } from '../../kernel/domain/decider.js';

/** The facts a user stream holds (stream id `user#<userId>`, see `userStreamId`). */
export type UserFact = Fact<'UserCreated' | 'UserUpdated' | 'UserDeleted'>;

/**
 * NONE → ACTIVE → DELETED. A deleted user keeps only its id: the state, like the read models, forgets the
 * email and the name once UserDeleted is folded in.
 */
export type UserState =
  | { readonly status: 'NONE' }
  | { readonly status: 'ACTIVE'; readonly userId: string; readonly email: string; readonly name: string }
  | { readonly status: 'DELETED'; readonly userId: string };

export const initialState = (): UserState => ({ status: 'NONE' });

export function evolve(state: UserState, fact: UserFact): UserState {
  switch (fact.type) {
    case 'UserCreated': {
      const { userId, email, name } = fact.data;
      return { status: 'ACTIVE', userId, email, name };
    }
    case 'UserUpdated': {
      if (state.status !== 'ACTIVE') return state;
      const { email, name } = fact.data.changes;
      return { ...state, email: email ?? state.email, name: name ?? state.name };
    }
    case 'UserDeleted':
      return { status: 'DELETED', userId: fact.data.userId };
    default:
      return assertNever(fact);
  }
}
