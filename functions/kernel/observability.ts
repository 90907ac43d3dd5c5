import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { KernelConfigurationError, KernelError } from './errors.js';
import type { DomainEventOf, EventType } from './events/catalogue.js';
import { CausationDepthExceededError, maxCausationDepthFrom } from './events/causation.js';
import type { Actor, EventEnvelope } from './events/envelope.js';
import {
  type CausalMetadata,
  type Clock,
  causedBy,
  createEvent,
  type EventMetadata,
  type IdGenerator,
  type NewEvent,
  rootMetadata,
} from './events/metadata.js';
import { childTraceparent, formatTraceparent, traceContextFromXRay } from './events/trace-context.js';
import { extractIncoming, type IncomingContext } from './incoming.js';
import type { EventPublisher } from './publisher.js';
import { redactLogValue } from './redact.js';
import { randomIds, systemClock } from './runtime.js';

/**
 * The one wrapper every CommerceForge handler uses (middy is not a dependency; this is the same idea in a
 * plain higher-order function):
 *
 *   export const handler = withObservability({ service: 'payments' }, async (event, ctx, tools) => {
 *     const order = parseEventBridgeEvent(event);          // the incoming OrderPlaced
 *     const charged = tools.newEvent({ type: 'PaymentCharged', data, streamId, streamVersion });
 *     // charged.correlationId === order.correlationId, charged.causationId === order.eventId
 *   });
 *
 * Per invocation it: adds the Lambda context and the correlation id of the incoming envelope (EventBridge
 * event, SQS record bodies, Step Functions input, AppSync headers) to every log line; opens an X-Ray
 * subsegment annotated with the cold start, service and correlation id; records the ColdStart metric; gives
 * the handler `tools` whose new events carry the incoming event's correlation and causation ids; publishes
 * what the handler `emit`ted (when a publisher is configured); and flushes the EMF metrics at the end,
 * success or failure.
 */

export interface ObservabilityOptions {
  /** Service name: Logger `service`, Metrics `service` dimension, X-Ray annotation, default actor id. */
  readonly service: string;
  /** @default POWERTOOLS_METRICS_NAMESPACE, else 'CommerceForge' */
  readonly namespace?: string;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /**
   * Where `tools.emit` sends events once the handler succeeded. A factory is called on the first emit, so a
   * cold start pays for the EventBridge client only if used; it gets the Tracer to capture the client:
   * `publisher: (tracer) => publisherFromEnvironment({ capture: (c) => tracer.captureAWSv3Client(c) })`.
   */
  readonly publisher?: EventPublisher | ((tracer: Tracer) => EventPublisher);
  /** The loop guard's maximum. @default MAX_CAUSATION_DEPTH from the environment, else 16 */
  readonly maxCausationDepth?: number;
  /** Injected for tests or to share instances with other code of the same function. */
  readonly logger?: Logger;
  readonly tracer?: Tracer;
  readonly metrics?: Metrics;
}

export interface NewEventOptions {
  /** The event that caused this one. Required when the invocation carried several (an SQS batch). */
  readonly parent?: EventEnvelope;
  /** @default the incoming AppSync identity, else `{ type: 'service', id: <service> }` */
  readonly actor?: Actor;
}

export interface HandlerTools {
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly metrics: Metrics;
  readonly incoming: IncomingContext;
  /** The single incoming envelope, when the invocation carried exactly one. */
  readonly parent: EventEnvelope | undefined;
  readonly correlationId: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Causal metadata for work caused by `parent` (default: the incoming event, else this request). */
  causation(parent?: EventEnvelope): CausalMetadata;
  /** Full metadata for one new event: a fresh eventId and occurredAt plus `causation(parent)`. */
  metadata(options?: NewEventOptions): EventMetadata;
  /** Build (and validate) a new event caused by the incoming one. It is not sent: append or publish it. */
  newEvent<T extends EventType>(input: NewEvent<T>, options?: NewEventOptions): DomainEventOf<T>;
  /** `newEvent`, then publish it through the configured publisher after the handler returns successfully. */
  emit<T extends EventType>(input: NewEvent<T>, options?: NewEventOptions): DomainEventOf<T>;
  /** Trace an AWS SDK v3 client with X-Ray (no-op when tracing is off). */
  captureClient<C>(client: C): C;
}

export type ObservedHandler<E, R> = (event: E, context: Context, tools: HandlerTools) => Promise<R>;

export function withObservability<E = unknown, R = unknown>(
  options: ObservabilityOptions,
  handler: ObservedHandler<E, R>,
): (event: E, context: Context) => Promise<R> {
  const { service } = options;
  // Created once per execution environment (module scope of the bundle), reused by warm invocations.
  // Payment tokens and full addresses are masked in every line, nested or not (redact.ts).
  const logger = options.logger ?? new Logger({ serviceName: service, jsonReplacerFn: redactLogValue });
  const tracer = options.tracer ?? new Tracer({ serviceName: service, captureHTTPsRequests: true });
  const metrics =
    options.metrics ??
    new Metrics({
      serviceName: service,
      namespace: options.namespace ?? process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CommerceForge',
    });
  const clock = options.clock ?? systemClock;
  const maxDepth = options.maxCausationDepth ?? maxCausationDepthFrom();
  const ids = options.ids ?? randomIds;
  let publisher: EventPublisher | undefined;
  const getPublisher = (): EventPublisher | undefined => {
    if (!publisher && options.publisher) {
      publisher = typeof options.publisher === 'function' ? options.publisher(tracer) : options.publisher;
    }
    return publisher;
  };

  return async (event: E, context: Context): Promise<R> => {
    const incoming = extractIncoming(event);
    const parent = incoming.envelopes.length === 1 ? incoming.envelopes[0] : undefined;
    const first = incoming.envelopes[0];
    // Only an invocation that no event caused starts a transaction (and spends ids on it).
    const root = first ? undefined : rootCausation(incoming, context, clock, ids);
    const correlationId = first?.correlationId ?? root!.correlationId;

    logger.addContext(context);
    logger.setCorrelationId(correlationId);
    const distinct = [...new Set(incoming.envelopes.map((e) => e.correlationId))];
    logger.appendKeys({
      causation_id: first?.eventId ?? root!.causationId,
      traceparent: first?.traceparent ?? root!.traceparent,
      ...(first ? { event_type: first.type, event_source: first.source } : {}),
      ...(distinct.length > 1 ? { correlation_ids: distinct } : {}),
    });
    metrics.captureColdStartMetric(context.functionName);

    const segments = openSegment(tracer, context, correlationId);
    const pending: EventEnvelope[] = [];
    const defaultActor: Actor = incoming.actor ?? { type: 'service', id: service };

    const causation = (p?: EventEnvelope): CausalMetadata => {
      const cause = p ?? parent;
      if (cause) {
        const caused = causedBy(cause, ids.spanId());
        // The loop guard: refuse, count it, and fail the invocation, so the incoming event lands where this
        // function's failures go (the alias's failure queue, the queue's DLQ, the saga's Catch), which alarm.
        const depth = caused.causationDepth ?? 0;
        if (depth > maxDepth) {
          metrics.addMetric('CausationDepthExceeded', MetricUnit.Count, 1);
          throw new CausationDepthExceededError(depth, maxDepth, cause.eventId, cause.type);
        }
        return caused;
      }
      if (!root) {
        throw new KernelConfigurationError(
          `this invocation carried ${incoming.envelopes.length} events: pass { parent } to say which one caused the new event`,
        );
      }
      return root;
    };
    const metadata = (o?: NewEventOptions): EventMetadata => ({
      ...causation(o?.parent),
      eventId: ids.uuid(),
      occurredAt: clock().toISOString(),
      actor: o?.actor ?? defaultActor,
    });
    const newEvent = <T extends EventType>(input: NewEvent<T>, o?: NewEventOptions) =>
      createEvent(input, metadata(o));

    const tools: HandlerTools = {
      logger,
      tracer,
      metrics,
      incoming,
      parent,
      correlationId,
      clock,
      ids,
      causation,
      metadata,
      newEvent,
      emit: (input, o) => {
        if (!options.publisher) {
          throw new KernelConfigurationError(
            `withObservability({ service: '${service}' }) has no publisher for emit`,
          );
        }
        const e = newEvent(input, o);
        pending.push(e);
        return e;
      },
      captureClient: (client) => tracer.captureAWSv3Client(client),
    };

    try {
      const result = await handler(event, context, tools);
      if (pending.length > 0) {
        await getPublisher()!.publish(pending);
        metrics.addMetric('EventsEmitted', MetricUnit.Count, pending.length);
      }
      return result;
    } catch (error) {
      metrics.addMetric('HandlerErrors', MetricUnit.Count, 1);
      logger.error('handler failed', {
        error: error as Error,
        ...(error instanceof KernelError ? { errorCode: error.code } : {}),
      });
      if (tracer.isTracingEnabled()) tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      closeSegment(tracer, segments);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

/** Ids for an invocation that no CommerceForge event caused: a request, a schedule, a bare task input. */
function rootCausation(
  incoming: IncomingContext,
  context: Context,
  clock: Clock,
  ids: IdGenerator,
): CausalMetadata {
  const correlationId = incoming.correlationId ?? ids.uuid();
  const causationId = incoming.causationId ?? context.awsRequestId;
  // Continue the caller's trace, else the X-Ray trace Lambda started, else a new one.
  const upstream = incoming.traceparent ?? xrayTraceparent();
  if (upstream) {
    const child = childTraceparent(upstream, ids.spanId());
    if (child) return { correlationId, causationId, traceparent: child };
  }
  return rootMetadata({
    correlationId,
    commandId: causationId,
    traceId: ids.traceId(clock()),
    spanId: ids.spanId(),
  });
}

function xrayTraceparent(): string | undefined {
  const ctx = traceContextFromXRay(process.env._X_AMZN_TRACE_ID);
  return ctx ? formatTraceparent(ctx) : undefined;
}

type Segment = NonNullable<ReturnType<Tracer['getSegment']>>;
interface OpenSegments {
  readonly lambda: Segment;
  readonly handler: Segment;
}

function openSegment(tracer: Tracer, context: Context, correlationId: string): OpenSegments | undefined {
  if (!tracer.isTracingEnabled()) return undefined;
  const lambda = tracer.getSegment();
  if (!lambda) return undefined;
  const handler = lambda.addNewSubsegment(`## ${process.env._HANDLER ?? context.functionName}`);
  tracer.setSegment(handler);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  tracer.putAnnotation('correlationId', correlationId);
  return { lambda, handler };
}

function closeSegment(tracer: Tracer, segments: OpenSegments | undefined): void {
  if (!segments) return;
  try {
    segments.handler.close();
  } catch {
    // A segment that fails to serialize must not fail the invocation; X-Ray data is best effort.
  }
  tracer.setSegment(segments.lambda);
}
