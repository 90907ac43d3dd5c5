import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { rebuildProjection, scanViews } from '../../functions/kernel/projection/dynamodb.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import { emailGuardKey } from '../../functions/users/domain/index.js';
import type { UsersCommandResult } from '../../functions/users/handlers/commands.js';
import { userIdFor } from '../../functions/users/handlers/user-id.js';
import { userProfileProjection } from '../../functions/users/read-model/user-profile.js';
import { type Clients, clientsFor, createViewTable, invoke, succeeded } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let users: EventStore;
let notifications: EventStore;
let security: EventStore;
let usersTable: string;
let profileTable: string;

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  usersTable = physicalName(app, 'Users', 'EventStore/Table');
  users = createEventStore({ client: clients.doc, tableName: usersTable });
  notifications = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Notifications', 'EventStore/Table'),
  });
  security = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Security', 'EventStore/Table'),
  });
  profileTable = physicalName(app, 'Users', 'UserProfile');
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const API = { type: 'service', id: 'graphql-api' } as const;
const command = (payload: unknown) => invoke(app, clients.lambda, 'Users', 'Commands', payload);
const register = (email: string, name: string, commandId: string) =>
  command({ command: { type: 'RegisterUser', data: { email, name } }, actor: API, commandId });

const streamOf = async (userId: string) => (await users.load(`user#${userId}`)).events as DomainEvent[];
const onBus = (eventId: string) =>
  eventually(() =>
    app.plugins.eventBridge.service!.bridge.events.find(
      (e) => (e.event.detail as { eventId?: string }).eventId === eventId,
    ),
  );
const item = async (tableName: string, key: Record<string, unknown>) =>
  (await clients.doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
const profileOf = (userId: string) => item(profileTable, { userId });
const guardOf = (email: string) => item(usersTable, { streamId: emailGuardKey(email), version: 0 });
/** Every item of the users store: "writes nothing" is checked on the whole table, not one stream. */
const storeItems = async () =>
  (await clients.dynamodb.send(new ScanCommand({ TableName: usersTable, ConsistentRead: true }))).Items ?? [];

describe('users on the local cloud', () => {
  let ada: string;
  let created: DomainEvent;

  it('registers a user: UserCreated in the store and on the bus, the email claimed, UserProfile readable', async () => {
    const { events, result } = succeeded<UsersCommandResult>(
      await register(' Ada@Example.com ', 'Ada Lovelace', 'cmd-register-ada'),
    );
    ada = userIdFor('cmd-register-ada'); // the adapter's id: the same command id names the same user
    expect(result).toEqual({
      user: { userId: ada, status: 'ACTIVE', email: 'ada@example.com', name: 'Ada Lovelace' },
      version: 1,
    });
    expect(events).toEqual([
      expect.objectContaining({ type: 'UserCreated', streamId: `user#${ada}`, streamVersion: 1 }),
    ]);

    const stream = await streamOf(ada);
    expect(stream).toHaveLength(1);
    created = stream[0]!;
    expect(created).toMatchObject({
      type: 'UserCreated',
      source: 'users',
      eventId: events[0]!.eventId,
      actor: API,
      data: { userId: ada, email: 'ada@example.com', name: 'Ada Lovelace' },
    });
    expect(created.correlationId).toMatch(/.+/);
    expect(created.causationId).toMatch(/.+/);
    expect(await guardOf('ada@example.com')).toMatchObject({
      kind: 'guard',
      rule: 'email-unique',
      owner: `user#${ada}`,
    });

    const published = await onBus(created.eventId);
    expect(published.event.source).toBe('commerceforge.users');
    expect(published.event['detail-type']).toBe('UserCreated');
    expect(published.event.detail).toEqual(JSON.parse(JSON.stringify(created)));

    const profile = await eventually(() => profileOf(ada));
    expect(profile).toMatchObject({
      userId: ada,
      status: 'ACTIVE',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      createdAt: created.occurredAt,
      version: 1,
    });
  });

  it('sends the welcome notification once (choreography): NotificationSent caused by UserCreated', async () => {
    const sent = await eventually(async () => {
      const { events } = await notifications.load(created.eventId);
      return events.length > 0 ? (events as DomainEvent[]) : undefined;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: 'NotificationSent',
      source: 'notifications',
      correlationId: created.correlationId,
      causationId: created.eventId,
      data: {
        notificationId: `welcome:${created.eventId}`,
        recipientId: ada,
        channel: 'EMAIL',
        template: 'welcome',
        subject: { type: 'user', id: ada },
      },
    });
    const published = await onBus(sent[0]!.eventId);
    expect(published.event.source).toBe('commerceforge.notifications');
  });

  it('answers a retried RegisterUser (same command id) with the same user, appending nothing', async () => {
    const { events, result } = succeeded<UsersCommandResult>(
      await register('ada@example.com', 'Ada Lovelace', 'cmd-register-ada'),
    );
    expect(events).toEqual([]);
    expect(result.user).toMatchObject({ userId: ada, status: 'ACTIVE' });
    expect(await streamOf(ada)).toHaveLength(1);
  });

  it('refuses a duplicate email (any case) with EmailTakenError and writes nothing', async () => {
    const before = await storeItems();
    const refused = await register('ADA@example.COM', 'Another Ada', 'cmd-register-ada-again');
    expect(refused).toMatchObject({ ok: false, errorType: 'EmailTakenError' });
    expect(refused.ok === false && refused.errorMessage).not.toContain('ada@');
    expect(await streamOf(userIdFor('cmd-register-ada-again'))).toEqual([]);
    expect(await storeItems()).toEqual(before);
  });

  it('refuses malformed commands with ValidationError and writes nothing', async () => {
    const before = await storeItems();
    for (const payload of [
      { command: { type: 'RegisterUser', data: { email: 'not-an-email', name: 'X' } } },
      { command: { type: 'RegisterUser', data: { email: 'x@example.com', name: '  ' } } },
      { command: { type: 'UpdateUser', data: { userId: ada } } }, // changes nothing
      { command: { type: 'PromoteUser', data: { userId: ada } } },
      { command: { type: 'RegisterUser', data: { email: 'x@example.com', name: 'X' } }, extra: true },
    ]) {
      expect(await command(payload)).toMatchObject({ ok: false, errorType: 'ValidationError' });
    }
    expect(await storeItems()).toEqual(before);
  });

  it('refuses a user acting on another account (ForbiddenError) and an unknown user (NotFoundError)', async () => {
    const before = await storeItems();
    const forbidden = await command({
      command: { type: 'DeleteUser', data: { userId: ada } },
      actor: { type: 'user', id: 'someone-else' },
    });
    expect(forbidden).toMatchObject({ ok: false, errorType: 'ForbiddenError' });
    const unknown = await command({ command: { type: 'UpdateUser', data: { userId: 'nobody', name: 'N' } } });
    expect(unknown).toMatchObject({ ok: false, errorType: 'NotFoundError' });
    expect(await storeItems()).toEqual(before);
  });

  it('changes the email: the new address claimed, the old one given back (and registrable again)', async () => {
    const { events, result } = succeeded<UsersCommandResult>(
      await command({
        command: { type: 'UpdateUser', data: { userId: ada, email: 'countess@example.com' } },
        actor: { type: 'user', id: ada }, // a person may change their own account
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['UserUpdated']);
    expect(result).toEqual({
      user: { userId: ada, status: 'ACTIVE', email: 'countess@example.com', name: 'Ada Lovelace' },
      version: 2,
      emailRelease: 'released',
    });
    expect(await guardOf('countess@example.com')).toMatchObject({ owner: `user#${ada}` });
    expect(await guardOf('ada@example.com')).toBeUndefined();
    await eventually(async () =>
      (await profileOf(ada))?.email === 'countess@example.com' ? true : undefined,
    );

    const again = succeeded<UsersCommandResult>(
      await register('ada@example.com', 'Ada II', 'cmd-register-ada-2'),
    );
    expect(again.result.user).toMatchObject({
      userId: userIdFor('cmd-register-ada-2'),
      email: 'ada@example.com',
    });

    // Changing to an address another account holds is refused the same way, and writes nothing.
    const before = await storeItems();
    const taken = await command({
      command: { type: 'UpdateUser', data: { userId: ada, email: 'ADA@example.com' } },
    });
    expect(taken).toMatchObject({ ok: false, errorType: 'EmailTakenError' });
    expect(await storeItems()).toEqual(before);
  });

  it('deletes a user: the profile becomes a tombstone without email or name, the address is free again', async () => {
    const admin = { type: 'system', id: 'admin-console' } as const;
    const { events, result } = succeeded<UsersCommandResult>(
      await command({
        command: { type: 'DeleteUser', data: { userId: ada, reason: 'ADMIN_ACTION' } },
        actor: admin,
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['UserDeleted']);
    expect(result).toEqual({
      user: { userId: ada, status: 'DELETED' },
      version: 3,
      emailRelease: 'released',
    });
    expect(await guardOf('countess@example.com')).toBeUndefined();

    const tombstone = await eventually(async () => {
      const view = await profileOf(ada);
      return view?.status === 'DELETED' ? view : undefined;
    });
    expect(tombstone).toMatchObject({ userId: ada, status: 'DELETED', version: 3 });
    expect(tombstone).not.toHaveProperty('email');
    expect(tombstone).not.toHaveProperty('name');

    // Deleting again is a no-op (an erasure request is safe to retry).
    const retried = succeeded<UsersCommandResult>(
      await command({
        command: { type: 'DeleteUser', data: { userId: ada, reason: 'ADMIN_ACTION' } },
        actor: admin,
      }),
    );
    expect(retried.events).toEqual([]);

    // The admin deletion is in the security audit trail, ids only (choreography: security's OnAdminAction).
    const deleted = (await streamOf(ada))[2]!;
    const audit = await eventually(async () => {
      const { events: records } = await security.load('audit#service#admin-console');
      return (records as DomainEvent[]).find(
        (r) => r.type === 'SecurityAuditRecorded' && r.data.auditId === deleted.eventId,
      );
    });
    expect(audit).toMatchObject({
      correlationId: deleted.correlationId,
      causationId: deleted.eventId,
      data: {
        principal: { type: 'service', id: 'admin-console' },
        action: 'users:DeleteUser',
        resource: `user#${ada}`,
        outcome: 'ALLOWED',
        details: { category: 'ADMIN_ACTION', eventId: deleted.eventId, eventType: 'UserDeleted' },
      },
    });
    expect(JSON.stringify(audit)).not.toContain('@');
  });

  it('rebuilds UserProfile from the store into the same items as the live read model', async () => {
    // Wait until the live projector has every event of the store applied.
    const stored: DomainEvent[] = [];
    for await (const event of users.readAll()) stored.push(event as DomainEvent);
    const latest = new Map<string, number>();
    for (const e of stored) latest.set(e.streamId, Math.max(latest.get(e.streamId) ?? 0, e.streamVersion));
    await eventually(async () => {
      for (const [streamId, version] of latest) {
        const view = await profileOf(streamId.slice('user#'.length));
        if ((view?.version as number | undefined) !== version) return undefined;
      }
      return true;
    });

    const rebuilt = await createViewTable(clients.dynamodb, 'UserProfileRebuild', 'userId');
    await rebuildProjection({
      source: users,
      projection: userProfileProjection,
      client: clients.doc,
      tableName: rebuilt,
    });
    const live = await scanViews(clients.doc, profileTable, 'userId');
    expect(await scanViews(clients.doc, rebuilt, 'userId')).toEqual(live);
    expect(Object.keys(live)).toHaveLength(latest.size);
  });
});
