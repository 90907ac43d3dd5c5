import { createHash } from 'node:crypto';
import type { DomainEventOf } from '../../../../functions/kernel/events/catalogue.js';
import { createEvent } from '../../../../functions/kernel/events/metadata.js';
import { childTraceparent } from '../../../../functions/kernel/events/trace-context.js';
import type { CompensationFailure, SagaContext, SagaEventRequest, StepFailure } from './contract.js';

/**
 * Builds the saga lifecycle events (SagaStarted, SagaStepCompleted, SagaCompensated, SagaFailed) from what the
 * state machine knows, validated against the kernel catalogue by `createEvent`; the state machine publishes
 * them with its `events:putEvents` task. Pure apart from hashing: the clock comes in as an argument.
 *
 * Ids are derived, not random: a build retried by Step Functions gives the same eventId and span, so a
 * consumer's deduplication on eventId also absorbs a publish that ran twice.
 */

type SagaEventType = SagaEventRequest['event'];

export interface BuiltSagaEvent {
  /** EventBridge DetailType. */
  readonly detailType: SagaEventType;
  /** The envelope: EventBridge Detail. */
  readonly detail: DomainEventOf<SagaEventType>;
}

/** What the saga's event builder records as EMF metrics (dimension SagaName). */
export interface SagaMetricPoint {
  readonly name: 'SagaStarted' | 'SagaSucceeded' | 'SagaCompensated' | 'SagaCompensationFailed';
  /** Milliseconds from the execution's start to this event, on the outcome metrics. */
  readonly durationMs?: number;
}

const REASON_MAX = 1000;
const ERROR_MAX = 200;

export function buildSagaEvent(request: SagaEventRequest, now: Date): BuiltSagaEvent {
  const saga = request.metadata;
  switch (request.event) {
    case 'SagaStarted':
      return build(saga, now, 1, {
        type: 'SagaStarted',
        data: { ...ref(saga), subjectId: saga.subjectId, steps: request.steps },
      });
    case 'SagaStepCompleted':
      // Version 1 is SagaStarted; step i is the (i + 2)th event of the saga.
      return build(saga, now, request.stepIndex + 2, {
        type: 'SagaStepCompleted',
        data: { ...ref(saga), step: request.step, stepIndex: request.stepIndex },
      });
    case 'SagaCompensated':
      return build(saga, now, request.failure.stepIndex + 2, {
        type: 'SagaCompensated',
        data: {
          ...ref(saga),
          failedStep: request.failure.step,
          compensatedSteps: request.failure.compensations,
          reason: clip(`${request.failure.step} failed: ${describeError(request.failure)}`, REASON_MAX),
        },
      });
    case 'SagaFailed': {
      const { failure, compensationFailure } = request;
      return build(saga, now, failure.stepIndex + 2, {
        type: 'SagaFailed',
        data: {
          ...ref(saga),
          failedStep: failure.step,
          error: clip(compensationFailure.Error || 'States.TaskFailed', ERROR_MAX),
          reason: clip(compensationFailedReason(failure, compensationFailure), REASON_MAX),
          compensationFailed: true,
        },
      });
    }
    default: {
      const exhaustive: never = request;
      return exhaustive;
    }
  }
}

/** The compensations that ran before the one that failed: the planned ones not still pending. */
export function compensatedBefore(failure: StepFailure, compensationFailure: CompensationFailure): string[] {
  const pending = new Set(compensationFailure.pending);
  return failure.compensations.filter((name) => !pending.has(name));
}

/** The metrics one event stands for: starts, and one outcome with its duration. */
export function sagaMetrics(request: SagaEventRequest, now: Date): SagaMetricPoint[] {
  const durationMs = Math.max(0, now.getTime() - Date.parse(request.metadata.startedAt));
  const elapsed = Number.isFinite(durationMs) ? { durationMs } : {};
  switch (request.event) {
    case 'SagaStarted':
      return [{ name: 'SagaStarted' }];
    case 'SagaStepCompleted':
      return request.final ? [{ name: 'SagaSucceeded', ...elapsed }] : [];
    case 'SagaCompensated':
      return [{ name: 'SagaCompensated', ...elapsed }];
    case 'SagaFailed':
      return [{ name: 'SagaCompensationFailed', ...elapsed }];
    default: {
      const exhaustive: never = request;
      return exhaustive;
    }
  }
}

function compensationFailedReason(failure: StepFailure, compensation: CompensationFailure): string {
  const done = compensatedBefore(failure, compensation);
  return (
    `compensation of ${compensation.step} failed (${describeError(compensation)}) after ${failure.step} failed ` +
    `(${describeError(failure)}); compensated: ${done.join(', ') || 'none'}; ` +
    `left to undo by hand: ${compensation.pending.join(', ')}`
  );
}

/** `Error: message`, the message taken from a Lambda error's JSON Cause when it is one. */
function describeError(error: { Error: string; Cause?: string | undefined }): string {
  const cause = error.Cause ?? '';
  let message = cause;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (
      parsed &&
      typeof parsed === 'object' &&
      typeof (parsed as Record<string, unknown>).errorMessage === 'string'
    )
      message = (parsed as { errorMessage: string }).errorMessage;
  } catch {
    // Not JSON (States.Timeout and service errors have text causes): keep it as it is.
  }
  return message ? `${error.Error}: ${message}` : error.Error || 'unknown error';
}

/**
 * The saga's own stream: never the business key alone, which is the subject's stream id (the order's), so a
 * projector fed by both (analytics) would take SagaStarted@1 for a redelivery of OrderPlaced@1.
 */
export function sagaStreamId(saga: Pick<SagaContext, 'name' | 'sagaId'>): string {
  return `saga#${saga.name}#${saga.sagaId}`;
}

function ref(saga: SagaContext) {
  return { sagaId: saga.sagaId, sagaName: saga.name };
}

function build<T extends SagaEventType>(
  saga: SagaContext,
  now: Date,
  streamVersion: number,
  event: { type: T; data: Parameters<typeof createEvent<T>>[0]['data'] },
): BuiltSagaEvent {
  const seed = `${saga.name}/${saga.sagaId}/${streamVersion}/${event.type}`;
  const traceparent = childTraceparent(saga.traceparent, spanIdFrom(seed)) ?? saga.traceparent;
  const detail = createEvent(
    { type: event.type, data: event.data, streamId: sagaStreamId(saga), streamVersion },
    {
      eventId: uuidFrom(seed),
      occurredAt: now.toISOString(),
      correlationId: saga.correlationId,
      causationId: saga.causationId,
      traceparent,
      actor: { type: 'service', id: `saga:${saga.name}` },
    },
  );
  return { detailType: event.type, detail: detail as DomainEventOf<SagaEventType> };
}

/** A UUID-shaped (version 8, RFC 9562 "custom") id derived from `seed`. */
export function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function spanIdFrom(seed: string): string {
  const span = createHash('sha256').update(`${seed}/span`).digest('hex').slice(0, 16);
  return /^0+$/.test(span) ? '0000000000000001' : span;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
