import { KernelError } from '../errors.js';

/**
 * Errors a domain or an adapter refuses a command with: a `KernelError` (the one root of the kernel's errors)
 * with the refusal's `details`. `code` is stable: the GraphQL and HTTP adapters
 * translate it (VALIDATION_ERROR → BAD_USER_INPUT, ...) and clients match on it, never on the message.
 * Names are string literals because bundles are minified and Step Functions Catch matches on the name.
 */
export abstract class DomainError extends KernelError {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), details: this.details };
  }
}

/** The input is malformed (quantity 0, negative price, unknown field): nothing was written. */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly code = 'VALIDATION_ERROR';
}

/** The command names something that does not exist (unknown SKU, order, user). */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

/**
 * The command is well formed but the state forbids it (duplicate email, stock too low, refund above the
 * charge). `rule` names the business rule, so tests and clients can tell refusals apart.
 */
export class BusinessRuleError extends DomainError {
  override readonly name = 'BusinessRuleError';
  readonly code = 'BUSINESS_RULE_VIOLATION';
  constructor(
    readonly rule: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { rule, ...details });
  }
}

/** An append met another writer: the expected stream version was not the current one. Retry from a fresh load. */
export class ConcurrencyError extends DomainError {
  override readonly name = 'ConcurrencyError';
  readonly code = 'CONCURRENCY_CONFLICT';
}

/** The caller may not do this (a customer reading another's order, a non-admin restocking). */
export class ForbiddenError extends DomainError {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}
