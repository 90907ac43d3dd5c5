import { traceparentSchema } from '../../../../functions/kernel/events/envelope.js';
import { id } from '../../../../functions/kernel/events/primitives.js';
import * as z from '../../../../functions/kernel/zod.js';

/**
 * The contract between the Saga construct (../saga.ts), the state machines it compiles and the two small
 * functions it deploys (start.ts, events.ts, beside this file). Pure: zod only, so the CDK app and tests import
 * it too.
 */

/** The error a saga execution fails with when a compensation keeps failing: the one outcome that needs a human. */
export const COMPENSATION_FAILED_ERROR = 'Saga.CompensationFailed';

/**
 * Lambda's transient failures, as Step Functions names them: retried on every Lambda task of a saga (actions,
 * compensations, event builds) before any Catch sees them.
 * - The Invoke API refusing or failing: a throttle (`TooManyRequestsException`, e.g. reserved concurrency
 *   full) and Lambda's service and client-side errors. The function did not run, or its answer was lost.
 * - The function not finishing: a timeout surfaces as `Lambda.Unknown` (Step Functions' name for a function
 *   that returned no error type) or `Sandbox.Timedout`. Every step is idempotent (its command id is the saga
 *   id and the command), so a timed-out step may run again.
 * Business errors (a decline, too little stock) are not here: they go to the Catch at once.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
] as const;
export const LAMBDA_TIMEOUT_ERRORS = ['Lambda.Unknown', 'Sandbox.Timedout'] as const;
export const TRANSIENT_LAMBDA_ERRORS = [...LAMBDA_SERVICE_ERRORS, ...LAMBDA_TIMEOUT_ERRORS] as const;

/** Step names become state names and event fields: short, PascalCase-ish, no spaces (saga states have spaces). */
export const STEP_NAME = /^[A-Za-z][A-Za-z0-9]{0,47}$/;

/**
 * What a saga execution is started with (the starter function builds it from the triggering event). A
 * missing field fails the execution at its first state (States.Runtime), before any step runs.
 */
export const sagaInputSchema = z.object({
  /** What the saga works on (e.g. the orderId): the business key the execution name is made from. */
  subjectId: id,
  correlationId: id,
  /** The triggering event's id. */
  causationId: id,
  traceparent: traceparentSchema,
  /** The business input the steps' payloads read (`$.input...`): the triggering event's `data`. */
  input: z.record(z.string(), z.unknown()),
});
export type SagaInput = z.infer<typeof sagaInputSchema>;

/** `$.saga` in the execution state: who the saga is, set by its first state. */
export const sagaContextSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  sagaId: id,
  subjectId: id,
  correlationId: id,
  causationId: id,
  traceparent: traceparentSchema,
  /** `$$.Execution.StartTime`, for the duration metric. */
  startedAt: z.string().check(z.minLength(1)),
});
export type SagaContext = z.infer<typeof sagaContextSchema>;

const step = z.string().check(z.regex(STEP_NAME));

/** `$.failure`: the step whose action failed (after its retries), the Catch's Error and Cause, what to undo. */
export const stepFailureSchema = z.object({
  step,
  stepIndex: z.number().check(z.int(), z.gte(0)),
  Error: z.string(),
  Cause: z.optional(z.string()),
  /** The compensations this failure runs, in the order they run (the steps before it, reversed). */
  compensations: z.array(step),
});
export type StepFailure = z.infer<typeof stepFailureSchema>;

/** `$.compensationFailure`: the compensation that kept failing and every compensation still to undo by hand. */
export const compensationFailureSchema = z.object({
  step,
  Error: z.string(),
  Cause: z.optional(z.string()),
  /** The failed compensation first, then the ones that never ran, in the order they should run. */
  pending: z.array(step).check(z.minLength(1)),
});
export type CompensationFailure = z.infer<typeof compensationFailureSchema>;

/** What a saga's event-builder task is asked for; `metadata` is `$.saga`. */
export const sagaEventRequestSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('SagaStarted'),
    metadata: sagaContextSchema,
    steps: z.array(step).check(z.minLength(1)),
  }),
  z.object({
    event: z.literal('SagaStepCompleted'),
    metadata: sagaContextSchema,
    step,
    stepIndex: z.number().check(z.int(), z.gte(0)),
    /** The last step: the saga succeeded. */
    final: z.boolean(),
  }),
  z.object({ event: z.literal('SagaCompensated'), metadata: sagaContextSchema, failure: stepFailureSchema }),
  z.object({
    event: z.literal('SagaFailed'),
    metadata: sagaContextSchema,
    failure: stepFailureSchema,
    compensationFailure: compensationFailureSchema,
  }),
]);
export type SagaEventRequest = z.infer<typeof sagaEventRequestSchema>;
