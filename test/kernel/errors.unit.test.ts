import { describe, expect, it } from 'vitest';
import {
  EventTooLargeError,
  EventValidationError,
  KernelConfigurationError,
  KernelError,
  PublishError,
} from '../../functions/kernel/errors.js';

describe('kernel errors', () => {
  const cause = new Error('root cause');
  const errors = [
    new EventValidationError('INVALID_EVENT_DATA', 'bad', {
      eventType: 'OrderPlaced',
      eventVersion: 2,
      cause,
    }),
    new PublishError([{ eventId: 'e1', type: 'OrderPlaced', errorCode: 'InternalFailure' }], {
      deliveredCount: 0,
      attempts: 5,
      cause,
    }),
    new EventTooLargeError('e1', 'OrderPlaced', 300_000, 262_144),
    new KernelConfigurationError('no bus', { cause }),
  ];

  it.each(errors.map((e) => [e.name, e] as const))(
    '%s is a KernelError with a stable code and literal name',
    (name, error) => {
      expect(error).toBeInstanceOf(KernelError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toMatch(/^[A-Z_]+$/);
      expect(name).toMatch(/Error$/);
      expect(error.toJSON()).toMatchObject({ name, code: error.code });
    },
  );

  it('keeps the cause', () => {
    expect(errors[0]!.cause).toBe(cause);
    expect(errors[1]!.cause).toBe(cause);
  });

  it('keeps its name in a minified bundle (literal, not the class name)', () => {
    expect(errors.map((e) => e.name)).toEqual([
      'EventValidationError',
      'PublishError',
      'EventTooLargeError',
      'KernelConfigurationError',
    ]);
  });
});
