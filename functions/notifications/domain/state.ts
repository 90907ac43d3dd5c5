import { assertNever, type Fact } from '../../kernel/domain/decider.js';

/** The facts a notification stream holds (stream id = the eventId of the event that triggered them). */
export type NotificationFact = Fact<'NotificationSent'>;

export type NotificationState =
  | { readonly status: 'NONE' }
  | { readonly status: 'SENT'; readonly templates: readonly string[] };

export const initialState = (): NotificationState => ({ status: 'NONE' });

export function evolve(state: NotificationState, fact: NotificationFact): NotificationState {
  switch (fact.type) {
    case 'NotificationSent': {
      const sent = state.status === 'SENT' ? state.templates : [];
      return { status: 'SENT', templates: [...sent, fact.data.template] };
    }
    default:
      return assertNever(fact.type);
  }
}
