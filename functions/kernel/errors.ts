import type * as z from './zod.js';

/**
 * Base of every error the kernel throws. `code` is stable (clients and alarms match on it, never on the
 * message); `cause` is kept so the original failure survives into logs and X-Ray.
 */
export abstract class KernelError extends Error {
  abstract readonly code: string;
  // Names are string literals, not `new.target.name`: bundles are minified (class names mangled), and Step
  // Functions Retry/Catch and log queries match on the error name.
  abstract override readonly name: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** What a log line or an API error body may carry: no stack, no cause object graph. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

export type EventValidationCode =
  | 'INVALID_ENVELOPE'
  | 'UNKNOWN_EVENT_TYPE'
  | 'UNKNOWN_EVENT_VERSION'
  | 'INVALID_EVENT_DATA'
  | 'UPCAST_FAILED'
  | 'INVALID_TRACEPARENT'
  | 'ENVELOPE_MISMATCH';

/** An event (incoming detail or one being created) does not match the contract for its type and version. */
export class EventValidationError extends KernelError {
  override readonly name = 'EventValidationError';
  readonly code: EventValidationCode;
  readonly eventType: string | undefined;
  readonly eventVersion: number | undefined;
  readonly eventId: string | undefined;
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(
    code: EventValidationCode,
    message: string,
    details: {
      eventType?: string | undefined;
      eventVersion?: number | undefined;
      eventId?: string | undefined;
      issues?: readonly z.core.$ZodIssue[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.eventType = details.eventType;
    this.eventVersion = details.eventVersion;
    this.eventId = details.eventId;
    this.issues = details.issues ?? [];
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      eventType: this.eventType,
      eventVersion: this.eventVersion,
      eventId: this.eventId,
      issues: this.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    };
  }
}

/** One event the bus did not accept, as PutEvents reported it (or as the failed call did). */
export interface UndeliveredEvent {
  readonly eventId: string;
  readonly type: string;
  readonly errorCode: string;
  readonly errorMessage?: string | undefined;
}

/** Some events were still not on the bus after the retry budget (or failed with a non-retryable code). */
export class PublishError extends KernelError {
  override readonly name = 'PublishError';
  readonly code = 'PUBLISH_FAILED' as const;
  readonly undelivered: readonly UndeliveredEvent[];
  readonly deliveredCount: number;
  readonly attempts: number;

  constructor(
    undelivered: readonly UndeliveredEvent[],
    details: { deliveredCount: number; attempts: number; cause?: unknown },
  ) {
    const named = undelivered.map((u) => `${u.eventId} (${u.type}: ${u.errorCode})`).join(', ');
    super(`${undelivered.length} event(s) not delivered after ${details.attempts} attempt(s): ${named}`, {
      cause: details.cause,
    });
    this.undelivered = undelivered;
    this.deliveredCount = details.deliveredCount;
    this.attempts = details.attempts;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), undelivered: this.undelivered, deliveredCount: this.deliveredCount };
  }
}

/** An event whose PutEvents entry alone exceeds the 256 KB limit: refused before anything is sent. */
export class EventTooLargeError extends KernelError {
  override readonly name = 'EventTooLargeError';
  readonly code = 'EVENT_TOO_LARGE' as const;

  constructor(
    readonly eventId: string,
    readonly eventType: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `event ${eventId} (${eventType}) is ${sizeBytes} bytes as a PutEvents entry; the limit is ${limitBytes}. ` +
        'Store the payload elsewhere (S3) and put a reference in the event.',
    );
  }
}

/** A handler asked the observability kernel for something it was not configured with. */
export class KernelConfigurationError extends KernelError {
  override readonly name = 'KernelConfigurationError';
  readonly code = 'KERNEL_MISCONFIGURED' as const;
}
