import { DomainError } from '../../kernel/domain/errors.js';
import { GuardConflictError } from '../../kernel/store/index.js';
import { EMAIL_UNIQUE_RULE } from './email-guard.js';

/**
 * The email address belongs to another account: RegisterUser or an email change refused, nothing written.
 * The users adapter's translation of the store's GuardConflictError on an `email#…` guard, for two reasons:
 * callers (the GraphQL layer, a saga) match one errorType that says what happened, and the address — the
 * guard's key — stays out of the message, the details and the function's error log. The store's error is
 * deliberately not kept as `cause`: it names the address.
 */
export class EmailTakenError extends DomainError {
  override readonly name = 'EmailTakenError';
  readonly code = 'BUSINESS_RULE_VIOLATION';
  readonly rule = EMAIL_UNIQUE_RULE;

  constructor(userId: string) {
    super('this email address is already registered to another account', { rule: EMAIL_UNIQUE_RULE, userId });
  }
}

/** EmailTakenError for a clash on an email guard; anything else unchanged. */
export function translateGuardConflict(error: unknown, userId: string): unknown {
  return error instanceof GuardConflictError && error.rule === EMAIL_UNIQUE_RULE
    ? new EmailTakenError(userId)
    : error;
}
