import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEvent } from '../../../functions/kernel/events/parse.js';
import type { SagaContext, SagaEventRequest } from '../../../lib/constructs/saga/runtime/contract.js';
import { handler as buildEventHandler } from '../../../lib/constructs/saga/runtime/events.js';
import { buildSagaEvent, sagaMetrics, uuidFrom } from '../../../lib/constructs/saga/runtime/saga-events.js';
import {
  businessKeyOf,
  executionName,
  handler as startHandler,
} from '../../../lib/constructs/saga/runtime/start.js';
import { eventBridgeEvent, fakeLambdaContext, orderPlacedV2 } from '../../helpers/events.js';
import { TRACEPARENT } from '../../helpers/saga.js';

const saga: SagaContext = {
  name: 'OrderFulfillment',
  sagaId: 'order-1',
  subjectId: 'order-1',
  correlationId: 'corr-1',
  causationId: 'evt-1',
  traceparent: TRACEPARENT,
  startedAt: '2025-03-01T12:00:00.000Z',
};
const NOW = new Date('2025-03-01T12:00:02.500Z');
const failure = {
  step: 'CreateShipment',
  stepIndex: 2,
  Error: 'ShipmentError',
  Cause: JSON.stringify({ errorType: 'ShipmentError', errorMessage: 'country XX not served', trace: [] }),
  compensations: ['ChargePayment', 'ReserveStock'],
};

describe('saga lifecycle events', () => {
  it('are valid kernel envelopes with ids derived from saga, position and type (a retried build repeats them)', () => {
    const request: SagaEventRequest = {
      event: 'SagaStepCompleted',
      metadata: saga,
      step: 'ChargePayment',
      stepIndex: 1,
      final: false,
    };
    const first = buildSagaEvent(request, NOW);
    const again = buildSagaEvent(request, new Date(NOW.getTime() + 1000));
    expect(parseEvent(first.detail)).toMatchObject({ type: 'SagaStepCompleted', streamVersion: 3 });
    expect(again.detail.eventId).toBe(first.detail.eventId);
    expect(again.detail.traceparent).toBe(first.detail.traceparent);
    expect(first.detail.eventId).not.toBe(buildSagaEvent({ ...request, stepIndex: 2 }, NOW).detail.eventId);
    expect(uuidFrom('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('give the reason from the Lambda error message, clipped to the schema limit', () => {
    const built = buildSagaEvent({ event: 'SagaCompensated', metadata: saga, failure }, NOW);
    expect(built.detail.data).toMatchObject({
      reason: 'CreateShipment failed: ShipmentError: country XX not served',
      compensatedSteps: ['ChargePayment', 'ReserveStock'],
    });
    const long = buildSagaEvent(
      {
        event: 'SagaCompensated',
        metadata: saga,
        failure: { ...failure, Error: 'States.Timeout', Cause: 'x'.repeat(5000) },
      },
      NOW,
    );
    expect(parseEvent(long.detail)).toMatchObject({
      data: { reason: expect.stringMatching(/^CreateShipment failed: States\.Timeout: x+…$/) },
    });
    expect((long.detail.data as { reason: string }).reason).toHaveLength(1000);
  });

  it('count starts and outcomes with their duration', () => {
    expect(sagaMetrics({ event: 'SagaStarted', metadata: saga, steps: ['A'] }, NOW)).toEqual([
      { name: 'SagaStarted' },
    ]);
    expect(
      sagaMetrics({ event: 'SagaStepCompleted', metadata: saga, step: 'A', stepIndex: 0, final: false }, NOW),
    ).toEqual([]);
    expect(
      sagaMetrics({ event: 'SagaStepCompleted', metadata: saga, step: 'A', stepIndex: 0, final: true }, NOW),
    ).toEqual([{ name: 'SagaSucceeded', durationMs: 2500 }]);
    expect(
      sagaMetrics(
        {
          event: 'SagaFailed',
          metadata: saga,
          failure,
          compensationFailure: {
            step: 'ChargePayment',
            Error: 'X',
            pending: ['ChargePayment', 'ReserveStock'],
          },
        },
        NOW,
      ),
    ).toEqual([{ name: 'SagaCompensationFailed', durationMs: 2500 }]);
  });

  it('the builder function refuses a malformed request and writes EMF metrics for an outcome', async () => {
    await expect(buildEventHandler({ event: 'SagaStarted' }, fakeLambdaContext())).rejects.toMatchObject({
      name: 'ValidationError',
    });
    const lines: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const built = await buildEventHandler(
        { event: 'SagaCompensated', metadata: saga, failure },
        fakeLambdaContext(),
      );
      expect(built.detailType).toBe('SagaCompensated');
    } finally {
      process.stdout.write = original;
    }
    const emf = lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    expect(emf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ SagaName: 'OrderFulfillment', SagaCompensated: 1 }),
        expect.objectContaining({ SagaName: 'OrderFulfillment', SagaDuration: expect.any(Number) }),
      ]),
    );
  });
});

describe('the saga starter', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => {
    sfn.reset();
    process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Fulfillment';
    process.env.BUSINESS_KEY_PATH = '$.data.orderId';
  });
  afterEach(() => {
    delete process.env.STATE_MACHINE_ARN;
    delete process.env.BUSINESS_KEY_PATH;
  });

  it('names the execution after the business key and carries the ids of the triggering event (upcast: no token)', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const placed = orderPlacedV2();
    const result = await startHandler(eventBridgeEvent(placed), fakeLambdaContext());
    expect(result).toEqual({ executionName: 'order-1', started: true, executionArn: 'arn:exec' });
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call).toMatchObject({ stateMachineArn: process.env.STATE_MACHINE_ARN, name: 'order-1' });
    const input = JSON.parse(call?.input ?? '{}');
    expect(input).toMatchObject({
      subjectId: 'order-1',
      correlationId: placed.correlationId,
      causationId: placed.eventId,
    });
    // The event read as the newest OrderPlaced (v3): a v2's payment token does not reach the execution.
    const { paymentToken: _token, ...withoutToken } = placed.data as Record<string, unknown>;
    expect(input.input).toEqual(withoutToken);
    expect(call?.input).not.toContain('tok_visa');
    // Same trace, a new span.
    expect(input.traceparent.slice(0, 35)).toBe(placed.traceparent.slice(0, 35));
  });

  it('does nothing when the saga of that business key exists already (a redelivered event)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    const result = await startHandler(eventBridgeEvent(orderPlacedV2()), fakeLambdaContext());
    expect(result).toEqual({ executionName: 'order-1', started: false });
  });

  it('lets other errors through, so Lambda retries the invocation (then its failure queue)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(startHandler(eventBridgeEvent(orderPlacedV2()), fakeLambdaContext())).rejects.toThrow(
      'slow down',
    );
  });

  it('refuses an event without the business key', async () => {
    process.env.BUSINESS_KEY_PATH = '$.data.nothing';
    await expect(startHandler(eventBridgeEvent(orderPlacedV2()), fakeLambdaContext())).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('makes a valid execution name of any key, the same one every time', () => {
    expect(executionName('order-1')).toBe('order-1');
    const name = executionName('order#1 / ü');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name).toBe(executionName('order#1 / ü'));
    expect(executionName('x'.repeat(200))).toHaveLength(73);
    expect(businessKeyOf(orderPlacedV2(), 'data.items[0].sku')).toBe('SKU-RED-MUG');
  });
});
