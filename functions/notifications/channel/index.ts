import type { Logger } from '@aws-lambda-powertools/logger';
import { KernelConfigurationError } from '../../kernel/errors.js';
import type { NotificationChannel, OutgoingNotification } from '../domain/index.js';

/** The environment variable choosing the channel adapter (NotificationsStack sets it). */
export const NOTIFICATION_CHANNEL_ENV = 'NOTIFICATION_CHANNEL';
export const channelKinds = ['log', 'sns'] as const;
export type ChannelKind = (typeof channelKinds)[number];

/**
 * The log channel: one structured log line per notification (`notification sent`, with the notification id,
 * template, recipient id, subject and the names of the template's params). It is the local and the default
 * channel: a test or an operator reads what would have gone out in the function's logs. Ids only: the
 * recipient is a userId, and param values (a customer's name in the welcome) are not logged — logs outlive
 * an account's deletion.
 */
export function logChannel(logger: Pick<Logger, 'info'>): NotificationChannel {
  return {
    name: 'log',
    send: async ({ params, ...notification }: OutgoingNotification) => {
      logger.info('notification sent', {
        channel: 'log',
        notification: { ...notification, params: Object.keys(params).sort() },
      });
    },
  };
}

/**
 * The channel named by NOTIFICATION_CHANNEL (default `log`).
 *
 * `sns` is the shape of the AWS adapter, not built yet (the SNS client is not a dependency of this repo):
 *   send(n) = SNS Publish { TopicArn: NOTIFICATION_TOPIC_ARN, Message: JSON.stringify(n),
 *     MessageAttributes: { template, channel }, MessageDeduplicationId: n.notificationId (a FIFO topic makes
 *     a re-send within 5 minutes a no-op) } — SES SendEmail instead would need the recipient's address: the
 *     notifications service would keep its own read model of UserCreated/UserUpdated emails (dropped on
 *     UserDeleted), never read the users service's table. Until then `sns` is refused at start, rather than
 *     silently logging what an operator believes was delivered.
 */
export function channelFromEnvironment(
  logger: Pick<Logger, 'info'>,
  env: Record<string, string | undefined> = process.env,
): NotificationChannel {
  const kind = env[NOTIFICATION_CHANNEL_ENV] ?? 'log';
  switch (kind) {
    case 'log':
      return logChannel(logger);
    case 'sns':
      throw new KernelConfigurationError(
        `${NOTIFICATION_CHANNEL_ENV}=sns: the SNS adapter is not built yet (see channel/index.ts)`,
      );
    default:
      throw new KernelConfigurationError(
        `${NOTIFICATION_CHANNEL_ENV}=${kind}: expected one of ${channelKinds.join(', ')}`,
      );
  }
}
