import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { id } from '../primitives.js';

export const NotificationSentV1 = z.object({
  notificationId: id,
  recipientId: id.check(z.describe('userId of the recipient')),
  channel: z.enum(['EMAIL', 'SMS', 'PUSH']),
  template: z
    .string()
    .check(z.minLength(1), z.maxLength(100), z.describe('Template name, e.g. order-confirmed')),
  subject: z
    .object({ type: z.string().check(z.minLength(1), z.maxLength(50)), id })
    .check(z.describe('What the notification is about, e.g. {type: order, id}')),
});

export const notificationsEvents = [
  defineEvent({
    type: 'NotificationSent',
    service: 'notifications',
    description: 'A notification was handed to the delivery channel',
    versions: [NotificationSentV1],
  }),
] as const;
