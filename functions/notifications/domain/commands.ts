import { type CommandMetadata, commandMetadata, parseWith } from '../../kernel/domain/commands.js';
import { NotificationSentV1 } from '../../kernel/events/catalogue/notifications.js';
import { id } from '../../kernel/events/primitives.js';
import * as z from '../../kernel/zod.js';
import type { Notification } from './notification.js';

export { type CommandMetadata, commandMetadata };

/**
 * Record that a notification was sent for an event. The stream is the triggering event's id, so "once per
 * (event, template)" is a rule of one small stream.
 */
export const SendNotification = z.strictObject({
  type: z.literal('SendNotification'),
  data: z.strictObject({
    ...NotificationSentV1.shape,
    eventId: id.check(z.describe('The event that triggered it: the stream id')),
  }),
  metadata: commandMetadata,
});

export const notificationCommandSchema = z.discriminatedUnion('type', [SendNotification]);
export type NotificationCommand = z.infer<typeof notificationCommandSchema>;
export type SendNotification = z.infer<typeof SendNotification>;

export function parseCommand(input: unknown): NotificationCommand {
  return parseWith(notificationCommandSchema, input, 'notifications');
}

/** Deterministic, so a retried delivery names the same notification (and a channel can dedupe on it). */
export const notificationIdFor = (eventId: string, template: string): string => `${template}:${eventId}`;

/** The command for a notification the policy chose. */
export function sendNotification(
  notification: Notification,
  eventId: string,
  metadata: CommandMetadata,
): SendNotification {
  const { template, recipientId, channel, subject } = notification;
  return {
    type: 'SendNotification',
    data: {
      eventId,
      notificationId: notificationIdFor(eventId, template),
      recipientId,
      channel,
      template,
      subject,
    },
    metadata,
  };
}
