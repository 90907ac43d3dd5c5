import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { KernelConfigurationError } from '../../functions/kernel/errors.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import { parseTraceparent } from '../../functions/kernel/events/trace-context.js';
import { extractIncoming } from '../../functions/kernel/incoming.js';
import { type ObservabilityOptions, withObservability } from '../../functions/kernel/observability.js';
import type { EventPublisher } from '../../functions/kernel/publisher.js';
import {
  anEnvelope,
  eventBridgeEvent,
  FIXED_TIME,
  fakeLambdaContext,
  fixedClock,
  orderPlacedV2,
  PARENT_TRACE_ID,
  sequentialIds,
  sqsEvent,
} from '../helpers/events.js';

const charged = {
  type: 'PaymentCharged' as const,
  data: {
    paymentId: 'pay-1',
    orderId: 'order-1',
    customerId: 'user-1',
    amount: 3399,
    currency: 'EUR',
    providerReference: 'ch_1',
  },
  streamId: 'pay-1',
  streamVersion: 1,
};

type Line = Record<string, unknown>;
let spies: MockInstance[] = [];
const printed = (): string[] => spies.flatMap((s) => s.mock.calls.map((c) => String(c[0])));
const logLines = (): Line[] =>
  printed()
    .map((s) => JSON.parse(s) as Line)
    .filter((l) => 'level' in l);
const emf = (): Line[] =>
  printed()
    .map((s) => JSON.parse(s) as Line)
    .filter((l) => '_aws' in l);
const metricNames = (blobs: Line[]) =>
  blobs.flatMap((b) =>
    (
      (b._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]?.Metrics ?? []
    ).map((m) => m.Name),
  );

function observed<R>(
  handler: Parameters<typeof withObservability<unknown, R>>[1],
  extra: Partial<ObservabilityOptions> = {},
) {
  return withObservability<unknown, R>(
    { service: 'payments', clock: fixedClock(), ids: sequentialIds(), ...extra },
    handler,
  );
}

beforeEach(() => {
  // Dev mode prints through the global console (so we can read it); metrics stay on in dev mode only if asked.
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'CommerceForgeTest');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  // Lambda sets this; Powertools reports a cold start only for on-demand initialization.
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => undefined),
  );
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('withObservability on an EventBridge event', () => {
  const parent = orderPlacedV2({ eventId: 'evt-order-1', correlationId: 'corr-order-1' });

  it('puts the incoming correlation id and the Lambda context on every log line', async () => {
    const handler = observed(async (_e, _c, tools) => {
      tools.logger.info('charging');
      tools.logger.warn('slow provider');
    });
    await handler(eventBridgeEvent(parent), fakeLambdaContext());
    const lines = logLines().filter((l) => l.message === 'charging' || l.message === 'slow provider');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        service: 'payments',
        correlation_id: 'corr-order-1',
        causation_id: 'evt-order-1',
        event_type: 'OrderPlaced',
        function_request_id: 'req-0001',
        function_name: 'commerceforge-test-fn',
        cold_start: true,
      });
    }
  });

  it('gives new events the correlation id, the incoming event as cause, and the same trace', async () => {
    const handler = observed(async (_e, _c, tools) => tools.newEvent(charged));
    const event = await handler(eventBridgeEvent(parent), fakeLambdaContext());
    expect(event).toMatchObject({
      type: 'PaymentCharged',
      source: 'payments',
      correlationId: 'corr-order-1',
      causationId: 'evt-order-1',
      occurredAt: FIXED_TIME,
      actor: { type: 'service', id: 'payments' },
    });
    expect(parseTraceparent(event.traceparent)?.traceId).toBe(PARENT_TRACE_ID);
    expect(event.traceparent).not.toBe(parent.traceparent);
  });

  it('flushes EMF metrics at the end, with the cold start only on the first invocation', async () => {
    const handler = observed(async (_e, _c, tools) => {
      tools.metrics.addMetric('PaymentsCharged', 'Count', 1);
    });
    await handler(eventBridgeEvent(parent), fakeLambdaContext());
    const first = emf();
    expect(metricNames(first)).toEqual(expect.arrayContaining(['ColdStart', 'PaymentsCharged']));
    expect(
      first.every(
        (b) =>
          (b._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace ===
          'CommerceForgeTest',
      ),
    ).toBe(true);

    for (const s of spies) s.mockClear();
    await handler(eventBridgeEvent(parent), fakeLambdaContext({ awsRequestId: 'req-0002' }));
    expect(metricNames(emf())).toEqual(['PaymentsCharged']);
  });

  it('logs, counts and rethrows a handler error, still flushing metrics', async () => {
    const handler = observed(async () => {
      throw new Error('provider down');
    });
    await expect(handler(eventBridgeEvent(parent), fakeLambdaContext())).rejects.toThrow('provider down');
    const errorLine = logLines().find((l) => l.message === 'handler failed');
    expect(errorLine).toMatchObject({ level: 'ERROR', correlation_id: 'corr-order-1' });
    expect(metricNames(emf())).toContain('HandlerErrors');
  });

  it('does not leak one invocation’s correlation id into the next', async () => {
    const handler = observed(async (_e, _c, tools) => tools.logger.info('hello'));
    await handler(eventBridgeEvent(parent), fakeLambdaContext());
    await handler({ ping: true }, fakeLambdaContext({ awsRequestId: 'req-0002' }));
    const hellos = logLines().filter((l) => l.message === 'hello');
    expect(hellos[0]?.correlation_id).toBe('corr-order-1');
    expect(hellos[1]?.correlation_id).not.toBe('corr-order-1');
    expect(hellos[1]).not.toHaveProperty('event_type');
  });
});

describe('emit', () => {
  const parent = orderPlacedV2();
  const fakePublisher = () => {
    const sent: EventEnvelope[][] = [];
    const publisher: EventPublisher = {
      publish: async (events) => {
        sent.push([...events]);
        return { eventBridgeIds: events.map((e) => `eb-${e.eventId}`), attempts: 1 };
      },
    };
    return { sent, publisher };
  };

  it('publishes emitted events after the handler succeeds, and counts them', async () => {
    const { sent, publisher } = fakePublisher();
    const handler = observed(
      async (_e, _c, tools) => {
        tools.emit(charged);
        expect(sent).toEqual([]); // nothing leaves before the handler is done
      },
      { publisher },
    );
    await handler(eventBridgeEvent(parent), fakeLambdaContext());
    expect(sent).toHaveLength(1);
    expect(sent[0]?.[0]).toMatchObject({ type: 'PaymentCharged', causationId: parent.eventId });
    expect(metricNames(emf())).toContain('EventsEmitted');
  });

  it('publishes nothing when the handler fails', async () => {
    const { sent, publisher } = fakePublisher();
    const handler = observed(
      async (_e, _c, tools) => {
        tools.emit(charged);
        throw new Error('later failure');
      },
      { publisher },
    );
    await expect(handler(eventBridgeEvent(parent), fakeLambdaContext())).rejects.toThrow('later failure');
    expect(sent).toEqual([]);
  });

  it('refuses emit without a publisher', async () => {
    const handler = observed(async (_e, _c, tools) => tools.emit(charged));
    await expect(handler(eventBridgeEvent(parent), fakeLambdaContext())).rejects.toBeInstanceOf(
      KernelConfigurationError,
    );
  });
});

describe('other event sources', () => {
  it('SQS batch: logs every correlation id and makes the handler name the parent of each new event', async () => {
    const a = orderPlacedV2({ eventId: 'evt-a', correlationId: 'corr-a' });
    const b = orderPlacedV2({ eventId: 'evt-b', correlationId: 'corr-b' });
    const handler = observed(async (_e, _c, tools) => {
      tools.logger.info('batch');
      expect(() => tools.newEvent(charged)).toThrow(KernelConfigurationError);
      return tools.incoming.envelopes.map((p) => tools.newEvent(charged, { parent: p }));
    });
    const made = await handler(sqsEvent([a, b]), fakeLambdaContext());
    expect(made.map((e) => [e.correlationId, e.causationId])).toEqual([
      ['corr-a', 'evt-a'],
      ['corr-b', 'evt-b'],
    ]);
    expect(logLines().find((l) => l.message === 'batch')).toMatchObject({
      correlation_id: 'corr-a',
      correlation_ids: ['corr-a', 'corr-b'],
    });
  });

  it('AppSync: correlation from x-correlation-id, the caller as actor, the request as cause, a new trace', async () => {
    const handler = observed(async (_e, _c, tools) => tools.newEvent(charged));
    const appsync = {
      arguments: { input: {} },
      identity: { sub: 'cognito-user-7' },
      request: { headers: { 'x-correlation-id': 'corr-web-1', 'x-amzn-requestid': 'appsync-req-1' } },
      info: { fieldName: 'placeOrder', parentTypeName: 'Mutation' },
    };
    const event = await handler(appsync, fakeLambdaContext());
    expect(event).toMatchObject({
      correlationId: 'corr-web-1',
      causationId: 'appsync-req-1',
      actor: { type: 'user', id: 'cognito-user-7' },
    });
    expect(parseTraceparent(event.traceparent)?.traceId.slice(0, 8)).toBe(
      (Date.parse(FIXED_TIME) / 1000).toString(16),
    );
  });

  it('Step Functions task given loose ids: continues that correlation and trace', async () => {
    const handler = observed(async (_e, _c, tools) => tools.newEvent(charged));
    const input = {
      orderId: 'order-1',
      metadata: {
        correlationId: 'corr-saga-1',
        causationId: 'evt-saga-start',
        traceparent: `00-${PARENT_TRACE_ID}-cccccccccccccccc-01`,
      },
    };
    const event = await handler(input, fakeLambdaContext());
    expect(event).toMatchObject({ correlationId: 'corr-saga-1', causationId: 'evt-saga-start' });
    expect(parseTraceparent(event.traceparent)?.traceId).toBe(PARENT_TRACE_ID);
  });

  it('no upstream ids: a new correlation id, the Lambda request as cause, the X-Ray trace continued', async () => {
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-67c2f6c0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1',
    );
    const handler = observed(async (_e, _c, tools) => tools.newEvent(charged));
    const event = await handler({}, fakeLambdaContext());
    expect(event.correlationId).toBe('00000000-0000-4000-8000-000000000001');
    expect(event.causationId).toBe('req-0001');
    expect(parseTraceparent(event.traceparent)?.traceId).toBe('67c2f6c00123456789abcdef01234567');
  });

  it('finds the envelope in the shapes handlers receive', () => {
    const env = anEnvelope({
      type: 'UserCreated',
      source: 'users',
      data: { userId: 'u', email: 'a@b.co', name: 'A' },
    });
    expect(extractIncoming(eventBridgeEvent(env))).toMatchObject({ kind: 'eventbridge', envelopes: [env] });
    expect(extractIncoming(sqsEvent([env]))).toMatchObject({ kind: 'sqs', envelopes: [env] });
    expect(extractIncoming(env)).toMatchObject({ kind: 'direct', envelopes: [env] });
    expect(extractIncoming({ detail: env, state: 'ReserveStock' })).toMatchObject({ envelopes: [env] });
    expect(extractIncoming({ Records: [{ body: 'not json' }] })).toMatchObject({
      kind: 'sqs',
      envelopes: [],
    });
    expect(extractIncoming(null)).toEqual({ kind: 'direct', envelopes: [] });
  });

  it('captureClient hands the client back (X-Ray instrumentation is a no-op off Lambda)', async () => {
    const client = { send: async () => ({}), middlewareStack: { remove: () => true, use: () => undefined } };
    const handler = observed(async (_e, _c, tools) => tools.captureClient(client));
    expect(await handler({}, fakeLambdaContext())).toBe(client);
  });
});
