import { describe, expect, it, vi } from 'vitest';
import { channelFromEnvironment, logChannel } from '../../functions/notifications/channel/index.js';
import { notificationFor } from '../../functions/notifications/domain/index.js';
import { userCreated as created } from '../helpers/notifications.js';

const notification = notificationFor(created)!;

describe('notifications adapter: channel', () => {
  it('the log channel writes one structured line per notification; sns and unknown channels are refused', async () => {
    const info = vi.fn();
    await logChannel({ info }).send({ ...notification, notificationId: 'welcome:evt-user-1' });
    expect(info).toHaveBeenCalledWith('notification sent', {
      channel: 'log',
      notification: expect.objectContaining({
        notificationId: 'welcome:evt-user-1',
        recipientId: 'u-1',
        params: ['name'], // names only: the customer's name stays out of the logs
      }),
    });
    expect(channelFromEnvironment({ info }, {}).name).toBe('log');
    expect(() => channelFromEnvironment({ info }, { NOTIFICATION_CHANNEL: 'sns' })).toThrow(/not built yet/);
    expect(() => channelFromEnvironment({ info }, { NOTIFICATION_CHANNEL: 'pigeon' })).toThrow(
      /expected one of/,
    );
  });
});
