import { assertNever } from '../../kernel/domain/decider.js';
import type { NotificationCommand } from './commands.js';
import type { NotificationFact, NotificationState } from './state.js';

/**
 * At most one NotificationSent per (event, template). The handler calls the channel only when this returns
 * a fact, and appends after the channel accepted: a crash in between re-sends (at least once), never loses.
 */
export function decide(command: NotificationCommand, state: NotificationState): NotificationFact[] {
  switch (command.type) {
    case 'SendNotification': {
      const { eventId: _stream, ...data } = command.data;
      if (state.status === 'SENT' && state.templates.includes(data.template)) return [];
      return [{ type: 'NotificationSent', data }];
    }
    default:
      return assertNever(command.type);
  }
}
