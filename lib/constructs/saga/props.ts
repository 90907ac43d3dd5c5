import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { DeploymentStrategy } from '../live-deployment.js';

/**
 * What a task is invoked with: a `sfn.TaskInput` (`fromObject`, or `fromJsonPathAt` to pass a part of the
 * state) or a plain JSONPath-mapping object (`{ 'orderId.$': '$.input.orderId' }`), read from the saga's
 * state:
 * - `$.input` the business input (the triggering event's `data`),
 * - `$.saga` `{ name, sagaId, subjectId, correlationId, causationId, traceparent, startedAt }`,
 * - `$.results.<StepName>` what each completed step's action returned,
 * - in compensations also `$.failure` `{ step, stepIndex, Error, Cause, compensations }`.
 * `$.saga.sagaId` (the execution name, i.e. the business key) with the step name makes a stable idempotency
 * key: `"commandId.$": "States.Format('{}:ReserveStock', $.saga.sagaId)"`.
 */
export type SagaPayload = sfn.TaskInput | { readonly [key: string]: unknown };

/** The undo of a step: run when a later step fails, in reverse order of the steps. */
export interface SagaCompensation {
  /** The function to invoke: a ServiceFunction's `live` alias (invoking the alias keeps IAM free of `:*`). */
  readonly function: lambda.IFunction;
  /** @default - the whole saga state */
  readonly payload?: SagaPayload;
  /**
   * Compensations must succeed, so they retry every error; a compensation still failing after this ends the
   * saga in CompensationFailed. Fields given here replace the defaults one by one. Lambda's transient errors
   * are retried as well, on their own budget (`SagaProps.transientRetry`), before this retrier.
   * @default { errors: ['States.ALL'], maxAttempts: 5, interval: 1 s, backoffRate: 2, maxDelay: 30 s, jitterStrategy: FULL }
   */
  readonly retry?: sfn.RetryProps;
  /** @default - no timeout beyond the function's own */
  readonly timeout?: Duration;
}

export interface SagaStep {
  /** Names the step's state, its result (`$.results.<name>`) and its events: PascalCase, e.g. `ChargePayment`. */
  readonly name: string;
  /** The function to invoke: a ServiceFunction's `live` alias. */
  readonly action: lambda.IFunction;
  /** @default - the whole saga state */
  readonly payload?: SagaPayload;
  /**
   * Retriers for the step's own retryable errors (e.g. `['ProviderUnavailableError']`), one budget each, in
   * order; Lambda's transient errors (throttles, service errors, timeouts) are always retried as well
   * (`SagaProps.transientRetry`), after these, or before one that names `States.ALL`. A single retrier without
   * `errors` tunes the transient one for this step instead.
   * @default - only the transient retrier
   */
  readonly retry?: sfn.RetryProps | readonly sfn.RetryProps[];
  /** States.Timeout when the action takes longer; retried only if `retry.errors` names it. @default - none */
  readonly timeout?: Duration;
  /** @default - nothing to undo (a read, or the step that decides: it never needs undoing once it failed) */
  readonly compensation?: SagaCompensation;
  /**
   * Errors (names, as Catch matches them) that end the saga at this step with nothing compensated: the step
   * found nothing it may act on, e.g. a subject its owner's store does not hold. The execution succeeds with
   * `{ status: 'Abandoned', abandonedStep, error }`. Only for the steps before anything was done: the
   * compensations of earlier steps do not run.
   * @default - every error of the step compensates
   */
  readonly abandonOn?: readonly string[];
}

export interface SagaProps {
  /** The saga's name in its events and metrics (`sagaName`, dimension `SagaName`), e.g. `OrderFulfillment`. */
  readonly sagaName: string;
  /** The steps in the order they run; at least one. */
  readonly steps: readonly SagaStep[];
  /** The platform bus the lifecycle events (SagaStarted, ...) are published on, source `commerceforge.saga`. */
  readonly eventBus: events.IEventBus;
  /**
   * Where the starter finds the business key in the triggering envelope; the key becomes the execution name,
   * so a redelivered trigger does not start a second saga. E.g. `$.data.orderId`.
   */
  readonly businessKeyPath: string;
  /**
   * Express suits short, high-volume sagas; it logs to CloudWatch only and does not check execution names, so
   * the starter's once-per-business-key guarantee holds for Standard only.
   * @default sfn.StateMachineType.STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;
  /** @default - a name CloudFormation generates */
  readonly stateMachineName?: string;
  /** The whole saga's limit: a timed-out execution is stuck mid-way and alarms. @default - none */
  readonly timeout?: Duration;
  /**
   * The retrier of Lambda's transient errors (`TRANSIENT_LAMBDA_ERRORS`: throttles, service errors, function
   * timeouts) on every Lambda task: actions, compensations and the event builds. Worst case with the
   * defaults: 31 s of waits over 7 attempts.
   * @default { maxAttempts: 6, interval: 1 s, backoffRate: 2, maxDelay: 8 s, jitterStrategy: FULL }
   */
  readonly transientRetry?: Omit<sfn.RetryProps, 'errors'>;
  /**
   * Extra environment of the saga's own functions (the starter and the event builder), e.g. the platform's
   * runtime knobs: the starter's SDK reads RETRY_MAX_ATTEMPTS.
   * @default - none (the starter's SDK then makes 3 attempts)
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** The state machine's and the saga's functions' log groups and queues. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** Where the CompensationFailed alarm notifies. @default - an alarm without actions */
  readonly alarmTopic?: sns.ITopic;
  /**
   * A fixed name for the state machine's role: it publishes the lifecycle events, and a bus policy that reserves
   * `commerceforge.saga` to its publisher names it (see `DomainEventBusProps.publishers`).
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
  /**
   * How the `live` alias the starter uses moves to a new version of the state machine (canary, linear or all
   * at once; rolled back by the compensation-failed alarm unless all at once).
   * @default 'all-at-once'
   */
  readonly deploymentStrategy?: DeploymentStrategy;
}
