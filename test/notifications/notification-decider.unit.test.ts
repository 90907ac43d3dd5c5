import { describe, expect, it } from 'vitest';
import type { Fact } from '../../functions/kernel/domain/decider.js';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type CommandMetadata,
  type NotificationChannel,
  notificationDecider,
  notificationFor,
  type OutgoingNotification,
  parseCommand,
  sendNotification,
} from '../../functions/notifications/domain/index.js';
import { spec } from '../helpers/decider.js';
import { anEnvelope } from '../helpers/events.js';

const userCreated = anEnvelope({
  type: 'UserCreated',
  source: 'users',
  data: { userId: 'user-1', email: 'ada@example.com', name: 'Ada' },
}) as DomainEvent;

describe('the notification decider: once per (event, template)', () => {
  const metadata: CommandMetadata = {
    commandId: 'cmd-1',
    issuedAt: '2025-03-01T12:00:00.000Z',
    actor: { type: 'service', id: 'notifications' },
  };
  const welcome = notificationFor(userCreated)!;
  const command = sendNotification(welcome, 'evt-1', metadata);
  const sent: Fact<'NotificationSent'> = {
    type: 'NotificationSent',
    data: {
      notificationId: 'welcome:evt-1',
      recipientId: 'user-1',
      channel: 'EMAIL',
      template: 'welcome',
      subject: { type: 'user', id: 'user-1' },
    },
  };
  const other: Fact<'NotificationSent'> = {
    type: 'NotificationSent',
    data: { ...sent.data, template: 'other' },
  };

  it('records the first sending', () => spec(notificationDecider).given([]).when(command).thenEmits([sent]));
  it('emits nothing when the same template was sent for the event', () =>
    spec(notificationDecider).given([sent]).when(command).thenEmits([]));
  it('sends another template for the same event', () =>
    spec(notificationDecider).given([other]).when(command).thenEmits([sent]));
  it('emits a NotificationSent the catalogue accepts', () =>
    expect(latestEntry('NotificationSent')!.dataSchema.safeParse(sent.data).success).toBe(true));

  it('parses its command at the boundary', () => {
    expect(parseCommand(command)).toEqual(command);
    expect(() => parseCommand({ ...command, data: { ...command.data, channel: 'PIGEON' } })).toThrow(
      ValidationError,
    );
    expect(() => parseCommand({ ...command, data: { ...command.data, template: '' } })).toThrow(
      ValidationError,
    );
  });

  it('a channel implements the port (here: a log)', async () => {
    const log: OutgoingNotification[] = [];
    const channel: NotificationChannel = { name: 'log', send: async (n) => void log.push(n) };
    await channel.send({ ...welcome, notificationId: command.data.notificationId });
    expect(log).toEqual([{ ...welcome, notificationId: 'welcome:evt-1' }]);
  });
});
