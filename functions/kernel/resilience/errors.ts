import { KernelError } from '../errors.js';

/**
 * A call refused without reaching the dependency: its circuit is open (or half-open with another
 * environment's probe in flight). Callers match on `code` (or the name, for Step Functions Retry/Catch) and
 * may wait until `nextAttemptAt` before they try again.
 */
export class CircuitOpenError extends KernelError {
  override readonly name = 'CircuitOpenError';
  readonly code = 'CIRCUIT_OPEN' as const;

  constructor(
    readonly circuit: string,
    /** When a call may be tried again (epoch milliseconds). */
    readonly nextAttemptAt: number,
  ) {
    super(`circuit ${circuit} is open: no call until ${new Date(nextAttemptAt).toISOString()}`);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      circuit: this.circuit,
      nextAttemptAt: new Date(this.nextAttemptAt).toISOString(),
    };
  }
}

/** The state table holds an item for a circuit that is not a circuit record: refused, never overwritten blindly. */
export class CircuitStateError extends KernelError {
  override readonly name = 'CircuitStateError';
  readonly code = 'CIRCUIT_STATE_INVALID' as const;

  constructor(readonly circuit: string) {
    super(`the state item of circuit ${circuit} is not a valid circuit record`);
  }
}
