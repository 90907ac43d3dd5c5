import type { EventData } from '../../kernel/events/catalogue.js';

export type Channel = EventData<'NotificationSent'>['channel'];

export const templates = [
  'welcome',
  'order-confirmed',
  'order-cancelled',
  'order-shipped',
  'review-request',
] as const;
export type Template = (typeof templates)[number];

/** What to send, to whom, about what: the output of the policy and the input of the channel. */
export interface Notification {
  readonly template: Template;
  /** The userId of the recipient; the channel adapter looks the address up. */
  readonly recipientId: string;
  readonly channel: Channel;
  readonly subject: EventData<'NotificationSent'>['subject'];
  /** Values the template renders (order id, tracking number, reason). */
  readonly params: Readonly<Record<string, string>>;
}

export interface OutgoingNotification extends Notification {
  readonly notificationId: string;
}

/**
 * The port a notification leaves through: SES or SNS on AWS, a log line locally. It lives here, beside the
 * domain, so the domain names what it needs and the adapters (handlers/) implement it. `send` resolves when
 * the channel accepted the message; it may be called twice for one notification (at-least-once), so an
 * adapter that can pass `notificationId` as its own idempotency key should.
 */
export interface NotificationChannel {
  readonly name: string;
  send(notification: OutgoingNotification): Promise<void>;
}
