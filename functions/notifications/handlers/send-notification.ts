import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { EventStore } from '../../kernel/store/index.js';
import { handleCommand, type MetadataSource } from '../../kernel/store/index.js';
import {
  type Notification,
  type NotificationChannel,
  notificationDecider,
  type SendNotification,
} from '../domain/index.js';

export interface SendOutcome {
  readonly notificationId: string;
  readonly template: string;
  /** `sent`: handed to the channel and recorded now; `already-sent`: a NotificationSent was there. */
  readonly outcome: 'sent' | 'already-sent';
  readonly events: readonly DomainEvent[];
}

/**
 * Once per (event, template), at least once: decide on the stream of the triggering event; only if it calls
 * for a NotificationSent, hand the notification to the channel, then append. A crash between the two sends
 * again on the redelivery (the channel gets the same notificationId to dedupe on); a concurrent delivery
 * that appended first turns our append into a no-op (handleCommand decides again on the fresh stream).
 */
export async function sendOnce(
  command: SendNotification,
  notification: Notification,
  deps: {
    readonly store: EventStore;
    readonly channel: NotificationChannel;
    readonly metadata: MetadataSource;
  },
): Promise<SendOutcome> {
  const streamId = command.data.eventId;
  const { notificationId, template } = command.data;
  const current = await deps.store.rehydrate(streamId, notificationDecider);
  if (notificationDecider.decide(command, current.state).length === 0) {
    return { notificationId, template, outcome: 'already-sent', events: [] };
  }
  await deps.channel.send({ ...notification, notificationId });
  const { events } = await handleCommand({
    store: deps.store,
    decider: notificationDecider,
    streamId,
    command,
    metadata: deps.metadata,
    // Decided on the stream just read (one Query per notification, not two); a clash reads it again.
    loaded: current,
  });
  return { notificationId, template, outcome: events.length > 0 ? 'sent' : 'already-sent', events };
}
