import { describe, expect, it, vi } from 'vitest';
import { metadataFrom } from '../../functions/kernel/store/index.js';
import {
  type NotificationChannel,
  notificationFor,
  sendNotification,
} from '../../functions/notifications/domain/index.js';
import { sendOnce } from '../../functions/notifications/handlers/send-notification.js';
import { fixedClock, sequentialIds } from '../helpers/events.js';
import { memoryEventStore } from '../helpers/memory-event-store.js';
import { userCreated as created } from '../helpers/notifications.js';

const notification = notificationFor(created)!;
const command = sendNotification(notification, created.eventId, {
  commandId: created.eventId,
  issuedAt: '2026-01-01T00:00:00.000Z',
  actor: { type: 'service', id: 'notifications' },
});
const metadata = metadataFrom({
  ids: sequentialIds(),
  clock: fixedClock(),
  causation: { correlationId: 'corr-1', causationId: created.eventId, traceparent: created.traceparent },
  actor: { type: 'service', id: 'notifications' },
});

describe('notifications adapter: sendOnce', () => {
  it('hands a new notification to the channel, then records NotificationSent on the event stream', async () => {
    const store = memoryEventStore();
    const sent: string[] = [];
    const channel: NotificationChannel = {
      name: 'test',
      send: async (n) => void sent.push(n.notificationId),
    };
    const outcome = await sendOnce(command, notification, { store, channel, metadata });
    expect(outcome).toMatchObject({ outcome: 'sent', notificationId: 'welcome:evt-user-1' });
    expect(sent).toEqual(['welcome:evt-user-1']);
    expect(store.streams.get('evt-user-1')).toEqual([
      expect.objectContaining({ type: 'NotificationSent', causationId: 'evt-user-1', streamVersion: 1 }),
    ]);
  });

  it('does not send again once recorded (the decider, behind the idempotency layer)', async () => {
    const store = memoryEventStore();
    const channel: NotificationChannel = { name: 'test', send: vi.fn(async () => {}) };
    await sendOnce(command, notification, { store, channel, metadata });
    const again = await sendOnce(command, notification, { store, channel, metadata });
    expect(again).toMatchObject({ outcome: 'already-sent', events: [] });
    expect(channel.send).toHaveBeenCalledTimes(1);
    expect(store.streams.get('evt-user-1')).toHaveLength(1);
  });

  it('records nothing when the channel refuses: the redelivery sends it (at least once, never lost)', async () => {
    const store = memoryEventStore();
    const channel: NotificationChannel = {
      name: 'test',
      send: async () => Promise.reject(new Error('down')),
    };
    await expect(sendOnce(command, notification, { store, channel, metadata })).rejects.toThrow('down');
    expect(store.streams.get('evt-user-1')).toBeUndefined();
  });
});
