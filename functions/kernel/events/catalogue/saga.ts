import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { id, reason } from '../primitives.js';

/**
 * Saga lifecycle events come from source `saga` (EventBridge Source `commerceforge.saga`), not `orders`:
 * - the Saga construct is generic (any list of steps), order fulfillment is only its first user; a second
 *   saga must not publish as `orders`;
 * - these events describe the orchestration (which step ran, what was compensated), not facts of the order
 *   aggregate, which orders records itself (OrderConfirmed, OrderCancelled);
 * - one rule on `source: commerceforge.saga` feeds dashboards and alarms for every saga.
 * The stream id is the saga id (the Step Functions execution name); `subjectId` names what it works on.
 */
const sagaRef = {
  sagaId: id.check(z.describe('Saga instance id: the Step Functions execution name')),
  sagaName: z.string().check(z.minLength(1), z.maxLength(100), z.describe('e.g. OrderFulfillment')),
};
const step = z.string().check(z.minLength(1), z.maxLength(100));

export const SagaStartedV1 = z.object({
  ...sagaRef,
  subjectId: id.check(z.describe('What the saga works on, e.g. the orderId')),
  steps: z.array(step).check(z.minLength(1)),
});

export const SagaStepCompletedV1 = z.object({
  ...sagaRef,
  step,
  stepIndex: z.number().check(z.int(), z.gte(0)),
});

export const SagaCompensatedV1 = z.object({
  ...sagaRef,
  failedStep: step,
  compensatedSteps: z
    .array(step)
    .check(z.describe('Compensations that ran, in the order they ran (reverse)')),
  reason,
});

export const SagaFailedV1 = z.object({
  ...sagaRef,
  failedStep: step,
  error: z.string().check(z.minLength(1), z.maxLength(200), z.describe('Error name, e.g. States.Timeout')),
  reason,
  compensationFailed: z.boolean().check(z.describe('True when a compensation itself failed: needs a human')),
});

export const sagaEvents = [
  defineEvent({
    type: 'SagaStarted',
    service: 'saga',
    description: 'A saga execution started',
    versions: [SagaStartedV1],
  }),
  defineEvent({
    type: 'SagaStepCompleted',
    service: 'saga',
    description: 'A saga step succeeded',
    versions: [SagaStepCompletedV1],
  }),
  defineEvent({
    type: 'SagaCompensated',
    service: 'saga',
    description: 'A step failed and the completed steps were compensated in reverse order',
    versions: [SagaCompensatedV1],
  }),
  defineEvent({
    type: 'SagaFailed',
    service: 'saga',
    description: 'The saga ended in a state compensation could not repair',
    versions: [SagaFailedV1],
  }),
] as const;
