import * as z from 'zod';
import { defineEvent } from '../define.js';
import { id } from '../primitives.js';

export const NotificationSentV1 = z.object({
  notificationId: id,
  recipientId: id.describe('userId of the recipient'),
  channel: z.enum(['EMAIL', 'SMS', 'PUSH']),
  template: z.string().min(1).max(100).describe('Template name, e.g. order-confirmed'),
  subject: z
    .object({ type: z.string().min(1).max(50), id })
    .describe('What the notification is about, e.g. {type: order, id}'),
});

export const notificationsEvents = [
  defineEvent({
    type: 'NotificationSent',
    service: 'notifications',
    description: 'A notification was handed to the delivery channel',
    versions: [NotificationSentV1],
  }),
] as const;
