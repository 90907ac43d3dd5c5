import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../functions/kernel/domain/errors.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import { EventStoreError, handleCommand, META_VERSION } from '../../functions/kernel/store/index.js';
import {
  emailGuardKey,
  parseCommand,
  type UserCommand,
  userDecider,
  userStreamId,
} from '../../functions/users/domain/index.js';
import { emailClaims, emailReleases } from '../../functions/users/handlers/email-guard.js';
import { testMetadata } from '../helpers/inventory.js';
import { type LocalTables, startLocalTables } from '../helpers/local-dynamodb.js';

// Issue 16: an email's guard is given back in the same transaction as the UserUpdated/UserDeleted append.

let tables: LocalTables;
let store: EventStore;
let table: string;

beforeAll(async () => {
  tables = await startLocalTables();
  table = await tables.eventStoreTable();
  store = createEventStore({ client: tables.doc, tableName: table });
}, 60_000);
afterAll(async () => {
  await tables?.stop();
});

const meta = { commandId: 'cmd-1', issuedAt: '2026-01-01T00:00:00.000Z', actor: { type: 'system', id: 't' } };
const cmd = (type: UserCommand['type'], data: Record<string, unknown>) =>
  parseCommand({ type, data, metadata: meta });

function run(userId: string, command: UserCommand, hooks: { maxAttempts?: number } = {}) {
  return handleCommand({
    store,
    decider: userDecider,
    streamId: userStreamId(userId),
    command,
    metadata: testMetadata(),
    guards: (facts) => emailClaims(facts),
    releases: (_facts, after, before) => emailReleases(before, after),
    ...hooks,
  });
}

const guard = async (address: string) =>
  (
    await tables.doc.send(
      new GetCommand({ TableName: table, Key: { streamId: emailGuardKey(address), version: META_VERSION } }),
    )
  ).Item;

describe('users: releasing an email guard is atomic with the append', () => {
  it('an email change claims the new address and frees the old one in one write', async () => {
    await run('u-1', cmd('RegisterUser', { userId: 'u-1', email: 'old@example.com', name: 'A' }));
    const outcome = await run('u-1', cmd('UpdateUser', { userId: 'u-1', email: 'new@example.com' }));
    expect(outcome.version).toBe(2);
    expect(await guard('new@example.com')).toMatchObject({ owner: userStreamId('u-1') });
    expect(await guard('old@example.com')).toBeUndefined();
  });

  it('a deletion frees the address with the UserDeleted append', async () => {
    await run('u-2', cmd('RegisterUser', { userId: 'u-2', email: 'gone@example.com', name: 'B' }));
    await run('u-2', cmd('DeleteUser', { userId: 'u-2' }));
    expect(await guard('gone@example.com')).toBeUndefined();
    expect((await store.load(userStreamId('u-2'))).version).toBe(2);
  });

  it('an append that loses its race releases nothing: the guard and the stream stay as they were', async () => {
    await run('u-3', cmd('RegisterUser', { userId: 'u-3', email: 'race@example.com', name: 'C' }));
    // Our load is one version behind: another writer appended between our load and our append.
    const stale: EventStore = {
      ...store,
      rehydrate: async (...args: Parameters<EventStore['rehydrate']>) => {
        const current = await store.rehydrate(...args);
        return { ...current, version: current.version - 1 };
      },
    } as EventStore;
    await run('u-3', cmd('UpdateUser', { userId: 'u-3', name: 'C2' }));
    await expect(
      handleCommand({
        store: stale,
        decider: userDecider,
        streamId: userStreamId('u-3'),
        command: cmd('DeleteUser', { userId: 'u-3' }),
        metadata: testMetadata(),
        releases: (_f, after, before) => emailReleases(before, after),
        maxAttempts: 1,
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await guard('race@example.com')).toMatchObject({ owner: userStreamId('u-3') });
    expect((await store.load(userStreamId('u-3'))).version).toBe(2);
  });

  it('a guard someone else holds is not deleted, and the append is not written either', async () => {
    await run('u-4', cmd('RegisterUser', { userId: 'u-4', email: 'shared@example.com', name: 'D' }));
    // A corrupt table: the guard names another owner.
    await tables.doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          streamId: emailGuardKey('shared@example.com'),
          version: META_VERSION,
          kind: 'guard',
          rule: 'email-unique',
          owner: 'user#other',
        },
      }),
    );
    const refused = await run('u-4', cmd('DeleteUser', { userId: 'u-4' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EventStoreError);
    expect((refused as EventStoreError).code).toBe('GUARD_NOT_HELD');
    expect((refused as Error).message).not.toContain('shared@example.com');
    expect(await guard('shared@example.com')).toMatchObject({ owner: 'user#other' });
    expect((await store.load(userStreamId('u-4'))).version).toBe(1);
  });
});
