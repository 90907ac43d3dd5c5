import type { Context } from 'aws-lambda';
import type { DomainEvent, EventDataInput, EventType } from '../../functions/kernel/events/catalogue.js';
import { latestVersion, serviceOf } from '../../functions/kernel/events/catalogue.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import type { Clock, IdGenerator } from '../../functions/kernel/events/metadata.js';
import { parseEvent } from '../../functions/kernel/events/parse.js';
import { traceIdAt } from '../../functions/kernel/events/trace-context.js';

/** Deterministic ids: uuid #n is 00000000-0000-4000-8000-<n as 12 hex>, spans and traces count up too. */
export function sequentialIds(): IdGenerator & { readonly issued: () => number } {
  let n = 0;
  const next = () => ++n;
  return {
    uuid: () => `00000000-0000-4000-8000-${next().toString(16).padStart(12, '0')}`,
    spanId: () => next().toString(16).padStart(16, '0'),
    traceId: (at) => traceIdAt(at, next().toString(16).padStart(24, '0')),
    issued: () => n,
  };
}

export const FIXED_TIME = '2025-03-01T12:00:00.000Z';
export const fixedClock =
  (iso: string = FIXED_TIME): Clock =>
  () =>
    new Date(iso);

export const PARENT_TRACE_ID = '67c2f5c0aaaaaaaaaaaaaaaaaaaaaaaa';
export const PARENT_SPAN_ID = 'bbbbbbbbbbbbbbbb';

/** A valid envelope of any type/version/data; metadata overridable. */
export function anEnvelope(
  overrides: Partial<EventEnvelope> & Pick<EventEnvelope, 'type' | 'source'>,
): EventEnvelope {
  return {
    eventId: 'evt-parent-1',
    version: 1,
    streamId: 'stream-1',
    streamVersion: 1,
    occurredAt: FIXED_TIME,
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    traceparent: `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-01`,
    actor: { type: 'user', id: 'user-1' },
    data: {},
    ...overrides,
  };
}

export const orderPlacedV1Data = () => ({
  orderId: 'order-1',
  customerId: 'user-1',
  items: [
    { sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 1250 },
    { sku: 'SKU-TEA', quantity: 1, unitPrice: 899 },
  ],
  total: 3399,
  shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  paymentToken: 'tok_visa',
});

export const orderPlacedV2Data = () => ({ ...orderPlacedV1Data(), currency: 'EUR' });

export function orderPlacedV1(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return anEnvelope({
    type: 'OrderPlaced',
    source: 'orders',
    version: 1,
    streamId: 'order-1',
    data: orderPlacedV1Data(),
    ...overrides,
  });
}

export function orderPlacedV2(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return orderPlacedV1({ version: 2, data: orderPlacedV2Data(), ...overrides });
}

/** What an EventBridge rule delivers to a Lambda target. */
export function eventBridgeEvent(detail: EventEnvelope) {
  return {
    version: '0',
    id: 'eb-id-1',
    'detail-type': detail.type,
    source: `commerceforge.${detail.source}`,
    account: '123456789012',
    time: detail.occurredAt,
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** An SQS batch whose bodies are EventBridge events (a rule → queue → function). */
export function sqsEvent(details: readonly EventEnvelope[]) {
  return {
    Records: details.map((d, i) => ({
      messageId: `msg-${i + 1}`,
      receiptHandle: `rh-${i + 1}`,
      body: JSON.stringify(eventBridgeEvent(d)),
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:queue',
      awsRegion: 'us-east-1',
    })),
  };
}

export function fakeLambdaContext(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'commerceforge-test-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:commerceforge-test-fn',
    memoryLimitInMB: '256',
    awsRequestId: 'req-0001',
    logGroupName: '/aws/lambda/commerceforge-test-fn',
    logStreamName: '2025/03/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

/**
 * A contract-valid event of the newest version (an `anEnvelope` parsed by the kernel, so a test cannot feed a
 * projection data the catalogue would refuse). eventId defaults to `<streamId>@<streamVersion>`.
 */
export function event<T extends EventType>(
  type: T,
  data: EventDataInput<T>,
  at: { streamId: string; streamVersion: number; occurredAt?: string; eventId?: string },
): DomainEvent {
  return parseEvent(
    anEnvelope({
      eventId: at.eventId ?? `${at.streamId}@${at.streamVersion}`,
      type,
      version: latestVersion(type)!,
      source: serviceOf(type)!,
      streamId: at.streamId,
      streamVersion: at.streamVersion,
      occurredAt: at.occurredAt ?? FIXED_TIME,
      causationId: 'cause-1',
      actor: { type: 'service', id: 'test' },
      data,
    }),
  );
}

/** Applies events left to right, as the projector does. */
export function project<V>(
  projection: (view: V | undefined, e: DomainEvent) => V | undefined,
  events: readonly DomainEvent[],
  from?: V,
): V | undefined {
  return events.reduce<V | undefined>(projection, from);
}

/** Every permutation of a short list (order-independence tests). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
