import type { Decider } from '../../kernel/domain/decider.js';
import type { NotificationCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type NotificationFact, type NotificationState } from './state.js';

/** Stream id = the eventId of the triggering event. */
export const notificationDecider: Decider<NotificationCommand, NotificationState, NotificationFact> = {
  initialState,
  decide,
  evolve,
};
