import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  CausationDepthExceededError,
  DEFAULT_MAX_CAUSATION_DEPTH,
  maxCausationDepthFrom,
} from '../../functions/kernel/events/causation.js';
import type { EventEnvelope } from '../../functions/kernel/events/envelope.js';
import { parseEvent } from '../../functions/kernel/events/index.js';
import { withObservability } from '../../functions/kernel/observability.js';
import type { EventPublisher } from '../../functions/kernel/publisher.js';
import {
  eventBridgeEvent,
  fakeLambdaContext,
  fixedClock,
  orderPlacedV2,
  sequentialIds,
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

let spies: MockInstance[] = [];
const emfMetricNames = () =>
  spies
    .flatMap((s) => s.mock.calls.map((c) => String(c[0])))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((l) => '_aws' in l)
    .flatMap((l) =>
      (l._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]!.Metrics.map(
        (m) => m.Name,
      ),
    );

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'CommerceForgeTest');
  spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => undefined),
  );
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A handler that emits one event caused by what it received, with a publisher that records. */
function emitter(maxCausationDepth: number) {
  const published: EventEnvelope[] = [];
  const publisher: EventPublisher = {
    publish: async (events) => {
      published.push(...events);
      return { eventBridgeIds: events.map(() => 'eb'), attempts: 1 };
    },
  };
  const handler = withObservability(
    { service: 'payments', clock: fixedClock(), ids: sequentialIds(), publisher, maxCausationDepth },
    async (_event, _ctx, tools) => tools.emit(charged),
  );
  return { handler, published };
}

describe('the loop guard', () => {
  it('given an event from before the field, when a handler reacts, then the new event is at depth 1', async () => {
    const { handler, published } = emitter(4);
    const old = orderPlacedV2();
    expect(old.causationDepth).toBeUndefined();
    await handler(eventBridgeEvent(old), fakeLambdaContext());
    expect(published.map((e) => e.causationDepth)).toEqual([1]);
    // The field survives the consumer's parse: the next hop sees it.
    expect(parseEvent(published[0]!).causationDepth).toBe(1);
  });

  it('given a parent at depth max - 1, when a handler reacts, then the event at depth max is published', async () => {
    const { handler, published } = emitter(4);
    await handler(eventBridgeEvent(orderPlacedV2({ causationDepth: 3 })), fakeLambdaContext());
    expect(published.map((e) => e.causationDepth)).toEqual([4]);
  });

  it('given a parent at depth max, when a handler reacts, then it refuses: typed error, metric, nothing published', async () => {
    const { handler, published } = emitter(4);
    const parent = orderPlacedV2({ eventId: 'evt-loop', causationDepth: 4 });
    const refusal = await handler(eventBridgeEvent(parent), fakeLambdaContext()).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(CausationDepthExceededError);
    expect(refusal).toMatchObject({
      code: 'CAUSATION_DEPTH_EXCEEDED',
      depth: 5,
      maxDepth: 4,
      parentEventId: 'evt-loop',
    });
    expect(published).toEqual([]);
    expect(emfMetricNames()).toContain('CausationDepthExceeded');
  });

  it('reads the maximum from MAX_CAUSATION_DEPTH, falling back to the default on a bad value (never off)', () => {
    expect(maxCausationDepthFrom({ MAX_CAUSATION_DEPTH: '8' })).toBe(8);
    expect(maxCausationDepthFrom({})).toBe(DEFAULT_MAX_CAUSATION_DEPTH);
    expect(maxCausationDepthFrom({ MAX_CAUSATION_DEPTH: 'off' })).toBe(DEFAULT_MAX_CAUSATION_DEPTH);
    expect(maxCausationDepthFrom({ MAX_CAUSATION_DEPTH: '0' })).toBe(DEFAULT_MAX_CAUSATION_DEPTH);
  });
});
