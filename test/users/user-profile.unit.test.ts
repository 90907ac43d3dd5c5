import { describe, expect, it } from 'vitest';
import { projectUserProfile } from '../../functions/users/read-model/user-profile.js';
import { event, project } from '../helpers/events.js';

const at = (streamVersion: number) => ({
  streamId: 'user-1',
  streamVersion,
  occurredAt: `2025-03-0${streamVersion}T10:00:00.000Z`,
});
const created = event('UserCreated', { userId: 'user-1', email: 'ada@example.com', name: 'Ada' }, at(1));
const renamed = event('UserUpdated', { userId: 'user-1', changes: { name: 'Ada L.' } }, at(2));
const deleted = event('UserDeleted', { userId: 'user-1', reason: 'GDPR request' }, at(3));

describe('projectUserProfile (per stream)', () => {
  it('creates and updates only the fields that changed', () => {
    expect(project(projectUserProfile, [created, renamed])).toEqual({
      status: 'ACTIVE',
      userId: 'user-1',
      email: 'ada@example.com',
      name: 'Ada L.',
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-02T10:00:00.000Z',
      version: 2,
    });
  });

  it('leaves a tombstone without personal data on UserDeleted', () => {
    const tombstone = project(projectUserProfile, [created, renamed, deleted]);
    expect(tombstone).toEqual({
      status: 'DELETED',
      userId: 'user-1',
      deletedAt: '2025-03-03T10:00:00.000Z',
      updatedAt: '2025-03-03T10:00:00.000Z',
      version: 3,
    });
    expect(JSON.stringify(tombstone)).not.toMatch(/ada@example.com|Ada/);
  });

  it('does not let a redelivered event bring personal data back', () => {
    const tombstone = project(projectUserProfile, [created, renamed, deleted]);
    expect(projectUserProfile(tombstone, created)).toBe(tombstone);
    expect(projectUserProfile(tombstone, renamed)).toBe(tombstone);
  });

  it('ignores an update for a user it has not seen', () => {
    expect(projectUserProfile(undefined, renamed)).toBeUndefined();
  });
});
