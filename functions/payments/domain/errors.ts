import { DomainError } from '../../kernel/domain/errors.js';

/**
 * The payment provider could not answer (outage, timeout): nothing happened, nothing was recorded, and the
 * same command may succeed later. The saga's Retry matches on this name, so it is a string literal.
 */
export class ProviderUnavailableError extends DomainError {
  override readonly name = 'ProviderUnavailableError';
  readonly code = 'PROVIDER_UNAVAILABLE';
  readonly retryable = true;
}
