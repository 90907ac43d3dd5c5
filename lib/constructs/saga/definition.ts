import { Duration, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { SagaCompensation, SagaPayload, SagaProps, SagaStep } from './props.js';
import { COMPENSATION_FAILED_ERROR, TRANSIENT_LAMBDA_ERRORS } from './runtime/contract.js';

/**
 * Compiles a list of steps to a JSONPath state machine (the local engine ignores JSONata):
 *
 *   Start saga → SagaStarted → step 0 → SagaStepCompleted → step 1 → ... → Saga succeeded
 *                                 └ Catch → "<step> failed" → Undo <step before> → ... → SagaCompensated → Saga compensated
 *                                                                  └ Catch → "Undo <step> failed" → SagaFailed → CompensationFailed (Fail)
 *
 * The compensation chain is shared: a failure at step i enters it at the compensation of the nearest step before
 * i that has one, and it runs down to step 0. What each failure will undo (and each undo leaves pending) is known
 * per state, so it is written into the state statically rather than computed at run time.
 *
 * Events are built by the saga's event-builder function (valid kernel envelopes) and published by an
 * `events:putEvents` task; either failing is caught and recorded at `$.saga.publishError`: a lost lifecycle event
 * must not make the saga compensate.
 */

export const SAGA_EVENT_SOURCE = 'commerceforge.saga';

const LAST_EVENT = '$.saga.lastEvent';

export interface DefinitionSpec {
  readonly sagaName: string;
  readonly steps: readonly SagaStep[];
  readonly eventBus: events.IEventBus;
  readonly eventBuilder: lambda.IFunction;
  readonly transientRetry?: SagaProps['transientRetry'];
}

export function sagaDefinition(scope: Construct, spec: DefinitionSpec): sfn.IChainable {
  const { steps, sagaName } = spec;
  const names = steps.map((step) => step.name);
  const compensable = (below: number) =>
    steps
      .slice(0, below)
      .filter((step) => step.compensation)
      .map((step) => step.name)
      .reverse();

  const emit = (label: string, request: Record<string, unknown>, next: sfn.IChainable): sfn.IChainable => {
    const build = new tasks.LambdaInvoke(scope, `${label}: build`, {
      lambdaFunction: spec.eventBuilder,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({ ...request, 'metadata.$': '$.saga' }),
      resultPath: LAST_EVENT,
    });
    build.addRetry(transientRetrier(spec.transientRetry));
    const put = new SourceScopedPutEvents(scope, `${label}: publish`, {
      entries: [
        {
          eventBus: spec.eventBus,
          source: SAGA_EVENT_SOURCE,
          detailType: sfn.JsonPath.stringAt(`${LAST_EVENT}.detailType`),
          detail: sfn.TaskInput.fromJsonPathAt(`${LAST_EVENT}.detail`),
        },
      ],
      resultPath: sfn.JsonPath.DISCARD,
    });
    put.addRetry({
      errors: ['States.ALL'],
      maxAttempts: 3,
      interval: Duration.seconds(1),
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    for (const task of [build, put]) task.addCatch(next, { resultPath: '$.saga.publishError' });
    build.next(put).next(next);
    return build;
  };

  // ---- outcomes ----
  const outcome = (status: string, extra: Record<string, unknown>) => ({
    status,
    sagaName,
    'sagaId.$': '$.saga.sagaId',
    'subjectId.$': '$.saga.subjectId',
    ...extra,
  });
  const succeeded = new sfn.Pass(scope, 'Saga succeeded', {
    parameters: outcome('Succeeded', { 'results.$': '$.results' }),
  });
  const compensated = new sfn.Pass(scope, 'Saga compensated', {
    parameters: outcome('Compensated', {
      'failedStep.$': '$.failure.step',
      error: { 'Error.$': '$.failure.Error', 'Cause.$': '$.failure.Cause' },
      'compensatedSteps.$': '$.failure.compensations',
      'results.$': '$.results',
    }),
  });
  // The Fail cause holds names only: the errors' own Causes (JSON text) and the results stay in the history and
  // the SagaFailed reason. aws-local-stepfunctions strips every backslash from an intrinsic's string result, so
  // nested JSON text would come out broken locally (AWS escapes it properly).
  const compensationFailed = new sfn.Pass(scope, 'Saga compensation failed', {
    parameters: {
      outcome: outcome('CompensationFailed', {
        'failedStep.$': '$.failure.step',
        'error.$': '$.failure.Error',
        'plannedCompensations.$': '$.failure.compensations',
        'failedCompensation.$': '$.compensationFailure.step',
        'compensationError.$': '$.compensationFailure.Error',
        // The failed compensation first, then those that never ran: left to undo by hand, in this order.
        'pendingCompensations.$': '$.compensationFailure.pending',
      }),
    },
  });
  const cause = new sfn.Pass(scope, 'Saga compensation failed: cause', {
    parameters: { cause: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.outcome')) },
  });
  const fail = new sfn.Fail(scope, 'CompensationFailed', {
    error: COMPENSATION_FAILED_ERROR,
    causePath: '$.cause',
  });
  compensationFailed.next(cause).next(fail);

  const publishCompensated = emit(
    'SagaCompensated',
    { event: 'SagaCompensated', 'failure.$': '$.failure' },
    compensated,
  );
  const publishFailed = emit(
    'SagaFailed',
    { event: 'SagaFailed', 'failure.$': '$.failure', 'compensationFailure.$': '$.compensationFailure' },
    compensationFailed,
  );

  // ---- compensations, step 0 upwards: each goes on to the one below it ----
  const undo: (sfn.IChainable | undefined)[] = [];
  let below: sfn.IChainable = publishCompensated;
  steps.forEach((step, index) => {
    const compensation = step.compensation;
    if (!compensation) {
      undo.push(undefined);
      return;
    }
    const task = new tasks.LambdaInvoke(scope, `Undo ${step.name}`, {
      lambdaFunction: compensation.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      ...taskInput(scope, compensation.payload),
      resultPath: `$.compensations.${step.name}`,
      ...(compensation.timeout && { taskTimeout: sfn.Timeout.duration(compensation.timeout) }),
    });
    for (const retrier of compensationRetriers(compensation, spec.transientRetry)) task.addRetry(retrier);
    const failed = new sfn.Pass(scope, `Undo ${step.name} failed`, {
      parameters: {
        step: step.name,
        'Error.$': '$.compensationFailure.Error',
        'Cause.$': '$.compensationFailure.Cause',
        pending: [step.name, ...compensable(index)],
      },
      resultPath: '$.compensationFailure',
    });
    task.addCatch(failed.next(publishFailed), { resultPath: '$.compensationFailure' });
    task.next(below);
    below = task;
    undo.push(task);
  });
  const compensationFrom = (failedIndex: number): sfn.IChainable => {
    for (let index = failedIndex - 1; index >= 0; index--) {
      const entry = undo[index];
      if (entry) return entry;
    }
    return publishCompensated;
  };

  // ---- actions, last step first: each goes on to the next ----
  let next: sfn.IChainable = succeeded;
  for (let index = steps.length - 1; index >= 0; index--) {
    const step = steps[index]!;
    const action = new tasks.LambdaInvoke(scope, step.name, {
      lambdaFunction: step.action,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      ...taskInput(scope, step.payload),
      resultPath: `$.results.${step.name}`,
      ...(step.timeout && { taskTimeout: sfn.Timeout.duration(step.timeout) }),
    });
    for (const retrier of actionRetriers(step, spec.transientRetry)) action.addRetry(retrier);
    // Before the States.ALL catch: Step Functions takes the first Catcher whose errors match.
    if (step.abandonOn?.length) {
      const abandoned = new sfn.Pass(scope, `${step.name}: saga abandoned`, {
        parameters: outcome('Abandoned', {
          abandonedStep: step.name,
          error: { 'Error.$': '$.failure.Error', 'Cause.$': '$.failure.Cause' },
        }),
      });
      action.addCatch(abandoned, { errors: [...step.abandonOn], resultPath: '$.failure' });
    }
    const failed = new sfn.Pass(scope, `${step.name} failed`, {
      parameters: {
        step: step.name,
        stepIndex: index,
        'Error.$': '$.failure.Error',
        'Cause.$': '$.failure.Cause',
        compensations: compensable(index),
      },
      resultPath: '$.failure',
    });
    action.addCatch(failed.next(compensationFrom(index)), { resultPath: '$.failure' });
    action.next(
      emit(
        `${step.name}: SagaStepCompleted`,
        { event: 'SagaStepCompleted', step: step.name, stepIndex: index, final: index === steps.length - 1 },
        next,
      ),
    );
    next = action;
  }

  const start = new sfn.Pass(scope, 'Start saga', {
    parameters: {
      'input.$': '$.input',
      saga: {
        name: sagaName,
        'sagaId.$': '$$.Execution.Name',
        'subjectId.$': '$.subjectId',
        'correlationId.$': '$.correlationId',
        'causationId.$': '$.causationId',
        'traceparent.$': '$.traceparent',
        'startedAt.$': '$$.Execution.StartTime',
      },
      results: {},
      compensations: {},
    },
  });
  return start.next(emit('SagaStarted', { event: 'SagaStarted', steps: names }, next));
}

/**
 * EventBridgePutEvents whose grant is scoped to the sources of its entries (`events:source`): the state machine's
 * role may publish `commerceforge.saga` and nothing else. The task's own statement allows any source.
 */
class SourceScopedPutEvents extends tasks.EventBridgePutEvents {
  constructor(scope: Construct, id: string, props: tasks.EventBridgePutEventsProps) {
    super(scope, id, props);
    const sources = props.entries.map((entry) => entry.source);
    if (sources.some((source) => sfn.JsonPath.isEncodedJsonPath(source))) {
      throw new Error(`${id}: a published source must be fixed, not a JSONPath, to scope the grant to it`);
    }
    for (const statement of this.taskPolicies ?? []) {
      if (statement.actions.includes('events:PutEvents')) {
        statement.addCondition('StringEquals', { 'events:source': [...new Set(sources)] });
      }
    }
  }
}

/**
 * The transient retrier's defaults: 6 retries, 1 s × 2ⁿ capped at 8 s, full jitter. It rides out a burst of
 * throttles (a full reserved concurrency drains in seconds): the waits are at most 1 + 2 + 4 + 8 + 8 + 8 =
 * 31 s (about half that on average, jitter drawing each from [0, cap]), over 7 attempts. A step whose every
 * attempt times out adds 7 × the function's timeout on top (statemachines/README.md, "Retry budgets").
 */
export const TRANSIENT_RETRY_DEFAULTS: Readonly<Omit<sfn.RetryProps, 'errors'>> = {
  maxAttempts: 6,
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxDelay: Duration.seconds(8),
  jitterStrategy: sfn.JitterType.FULL,
};

/** A compensation's own retrier (every error): it must succeed. 5 retries, 1 s × 2ⁿ ≤ 30 s: at most 31 s of waits. */
export const COMPENSATION_RETRY_DEFAULTS: Readonly<sfn.RetryProps> = {
  errors: [sfn.Errors.ALL],
  maxAttempts: 5,
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxDelay: Duration.seconds(30),
  jitterStrategy: sfn.JitterType.FULL,
};

function transientRetrier(defaults: SagaProps['transientRetry']): sfn.RetryProps {
  return { ...TRANSIENT_RETRY_DEFAULTS, ...defaults, errors: [...TRANSIENT_LAMBDA_ERRORS] };
}

/**
 * A task's own retrier with the transient one. Step Functions takes the first retrier whose errors match, and
 * `States.ALL` must be the last one, so a retrier naming it goes after the transient one; any other goes
 * first (a step's own budget for the errors it names, even a transient one it names on purpose).
 */
function withTransient(own: sfn.RetryProps, transient: sfn.RetryProps): sfn.RetryProps[] {
  return own.errors?.includes(sfn.Errors.ALL) ? [transient, own] : [own, transient];
}

/**
 * The step's own retriers and the transient one; a single step retrier without `errors` tunes the transient one
 * instead. Step Functions takes the first retrier whose errors match: the step's own come first, in order, then
 * the transient one, then any naming `States.ALL` (which must be last).
 */
export function actionRetriers(step: SagaStep, defaults: SagaProps['transientRetry']): sfn.RetryProps[] {
  const transient = transientRetrier(defaults);
  if (!step.retry) return [transient];
  const own: readonly sfn.RetryProps[] = Array.isArray(step.retry)
    ? step.retry
    : [step.retry as sfn.RetryProps];
  const [only] = own;
  if (own.length === 1 && only && !only.errors) return [{ ...transient, ...only, errors: transient.errors }];
  const catchesAll = (retrier: sfn.RetryProps) =>
    (retrier.errors ?? [sfn.Errors.ALL]).includes(sfn.Errors.ALL);
  return [...own.filter((r) => !catchesAll(r)), transient, ...own.filter(catchesAll)];
}

/**
 * A compensation retries every error (its own retrier, `States.ALL` by default) and Lambda's transient errors
 * on a budget of their own, so a burst of throttles does not use up the attempts meant for a failing undo.
 */
export function compensationRetriers(
  compensation: SagaCompensation,
  defaults: SagaProps['transientRetry'],
): sfn.RetryProps[] {
  return withTransient({ ...COMPENSATION_RETRY_DEFAULTS, ...compensation.retry }, transientRetrier(defaults));
}

/** A payload as LambdaInvoke's: an object template, or a JSONPath of the state (as the task's InputPath). */
function taskInput(scope: Construct, payload: SagaPayload | undefined): Partial<tasks.LambdaInvokeProps> {
  if (payload === undefined) return {};
  if (!(payload instanceof sfn.TaskInput)) return { payload: sfn.TaskInput.fromObject({ ...payload }) };
  if (payload.type === sfn.InputType.OBJECT) return { payload };
  if (typeof payload.value === 'string' && sfn.JsonPath.isEncodedJsonPath(payload.value)) {
    return { inputPath: String(Stack.of(scope).resolve(payload.value)) };
  }
  throw new Error(
    'Saga: a payload is an object (TaskInput.fromObject or a plain object) or TaskInput.fromJsonPathAt',
  );
}
