import { DomainError } from '../domain/errors.js';
import { KernelError } from '../errors.js';

export type EventStoreErrorCode =
  /** The events handed to `append` do not fit the stream (wrong streamId, versions not expected+1, +2, …). */
  | 'INVALID_APPEND'
  /** More than 100 items or 4 MB in one transaction (DynamoDB's TransactWriteItems limits). */
  | 'TRANSACTION_TOO_LARGE'
  /** An item in the table is not what this code wrote (unparseable envelope, missing attribute). */
  | 'CORRUPT_ITEM'
  /** DynamoDB refused the write for a reason other than a condition (throttling, validation, ...). */
  | 'APPEND_FAILED'
  /** A guard the append was to give back is held by another owner (see `AppendOptions.releases`). */
  | 'GUARD_NOT_HELD'
  /** A read left keys unprocessed after its retries (throttling). */
  | 'READ_FAILED';

/** The event store could not do what was asked, for a reason that is not the domain's business. */
export class EventStoreError extends KernelError {
  override readonly name = 'EventStoreError';
  readonly code: EventStoreErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: EventStoreErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), details: this.details };
  }
}

/**
 * A guard item (a uniqueness claim such as `email#ada@example.com`) already exists, so the transaction that
 * tried to claim it wrote nothing. `rule` is the business rule the guard enforces (e.g. `email-unique`) and
 * `key` the item that clashed: adapters translate it like any other business-rule refusal.
 */
export class GuardConflictError extends DomainError {
  override readonly name = 'GuardConflictError';
  readonly code = 'BUSINESS_RULE_VIOLATION';

  constructor(
    readonly rule: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`${key} is already claimed (${rule})`, { rule, key }, options);
  }
}
