/** Errors of the local Step Functions. One base class, stable codes, the cause kept. */
export class StepFunctionsError extends Error {
  override readonly name: string = 'StepFunctionsError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A definition the local cloud cannot run: invalid ASL, JSONata, bad JSON. Raised before any execution starts. */
export class StateMachineDefinitionError extends StepFunctionsError {
  override readonly name = 'StateMachineDefinitionError';
  constructor(
    readonly stateMachine: string,
    readonly problems: readonly string[],
  ) {
    super(
      'InvalidDefinition',
      `State machine ${stateMachine} has an invalid definition:\n  ${problems.join('\n  ')}`,
    );
  }
}

/**
 * An error raised inside a state, named as AWS names it (`name` is the ASL error name that Retry and Catch match,
 * `message` becomes the `Cause`). The library reads `isRetryable`/`isCatchable` off any thrown error.
 */
export class StatesError extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;
  constructor(errorName: string, cause: string, options: { retryable?: boolean; catchable?: boolean } = {}) {
    super(cause);
    this.name = errorName;
    this.isRetryable = options.retryable ?? true;
    this.isCatchable = options.catchable ?? true;
  }
}

/**
 * A Task whose resource the local cloud does not implement. `States.Runtime` cannot be caught or retried in AWS,
 * so a `States.ALL` Catch will not hide it: the execution fails and says which resource is missing.
 */
export class UnsupportedResourceError extends StatesError {
  constructor(stateName: string, resource: string, detail = '') {
    super(
      'States.Runtime',
      `Task state '${stateName}' uses resource '${resource}', which the local cloud does not support${detail ? `: ${detail}` : ''}`,
      { retryable: false, catchable: false },
    );
  }
}
