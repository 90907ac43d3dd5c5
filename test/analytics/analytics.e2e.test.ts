import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesSummaryAnswer } from '../../functions/analytics/handlers/query.js';
import { createSalesProjector } from '../../functions/analytics/handlers/sales-projector.js';
import { numbersFromCounters } from '../../functions/analytics/read-model/sales-counters.js';
import { SALES_SUMMARY_KEY } from '../../functions/analytics/read-model/sales-summary.js';
import type { DomainEvent, EventType } from '../../functions/kernel/events/catalogue.js';
import { createEvent, type NewEvent } from '../../functions/kernel/events/metadata.js';
import { replayOrder, scanViews } from '../../functions/kernel/projection/dynamodb.js';
import { toPutEventsEntry } from '../../functions/kernel/publisher.js';
import { type Clients, clientsFor, createViewTable, invoke } from '../helpers/invoke.js';
import {
  disableRulesOf,
  eventually,
  type LocalApp,
  physicalName,
  publisherBus,
  startLocalApp,
} from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let bus: ReturnType<typeof publisherBus>;
let busName: string;
const put: DomainEvent[] = [];

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  // Each event as its service's publisher puts it: the bus refuses commerceforge.<service> from anyone else.
  bus = publisherBus(app);
  const [platformBus] = app.model.resources('AWS::Events::EventBus');
  busName = app.model.identity(platformBus!).name;
  // These made-up orders are about analytics alone: with the sagas' rules on, each OrderPlaced would start a
  // real fulfillment saga whose lifecycle events the summary would count too.
  expect(await disableRulesOf(app, 'Sagas')).toBeGreaterThan(0);
}, 120_000);
afterAll(async () => {
  bus?.destroy();
  await app?.stop();
});

let n = 0;
function envelope<T extends EventType>(input: NewEvent<T>, occurredAt: string, correlationId: string) {
  n += 1;
  return createEvent(input, {
    eventId: `evt-analytics-${n}`,
    occurredAt,
    correlationId,
    causationId: `cause-${n}`,
    traceparent: `00-${'ab'.repeat(16)}-${String(n).padStart(16, '0')}-01`,
    actor: { type: 'service', id: 'test' },
  }) as DomainEvent;
}

async function publish(event: DomainEvent) {
  const out = await bus(event.source).send(
    new PutEventsCommand({ Entries: [toPutEventsEntry(event, busName)] }),
  );
  expect(out.FailedEntryCount).toBe(0);
  put.push(event);
}

const projector = () => physicalName(app, 'Analytics', 'Projector/Function');
const projected = async (count: number) =>
  eventually(() => (app.lambda.invocations(projector()).length >= count ? true : undefined));
const summary = async (payload: unknown = {}) => {
  const out = await invoke(app, clients.lambda, 'Analytics', 'Query', payload);
  if (!out.ok) throw new Error(`${out.errorType}: ${out.errorMessage}`);
  return out.payload as SalesSummaryAnswer;
};

const placed = (orderId: string, version = 1) =>
  envelope(
    {
      type: 'OrderPlaced',
      streamId: `order#${orderId}`,
      streamVersion: version,
      data: {
        orderId,
        customerId: 'cust-1',
        items: [{ sku: 'MUG-1', quantity: 2, unitPrice: 1250 }],
        total: 2500,
        currency: 'EUR',
        shippingAddress: { line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
      },
    },
    '2026-03-01T10:00:00.000Z',
    `corr-${orderId}`,
  );

describe('analytics on the local cloud', () => {
  it('answers an empty summary before any event', async () => {
    expect(await summary()).toMatchObject({ days: [], sagas: { started: 0, successRate: null } });
  });

  it('counts an OrderPlaced put on the bus, once even when it is delivered twice', async () => {
    const order = placed('ord-a1');
    await publish(order);
    const first = await eventually(async () => {
      const s = await summary();
      return s.ordersByStatus.PENDING === 1 ? s : undefined;
    });
    expect(first.days).toEqual([{ date: '2026-03-01', orders: 1, confirmed: 0, cancelled: 0, revenue: {} }]);

    const before = app.lambda.invocations(projector()).length;
    await publish(order); // the same envelope again: a redelivery
    await projected(before + 1);
    const again = await summary();
    expect(again.ordersByStatus.PENDING).toBe(1);
    expect(again.days[0]!.orders).toBe(1);
  });

  it('follows orders and sagas to a success rate, whatever the delivery order', async () => {
    const correlation = 'corr-ord-a2';
    const saga = (type: EventType, streamVersion: number, data: object) =>
      envelope(
        { type, streamId: 'saga-ord-a2', streamVersion, data } as NewEvent<EventType>,
        '2026-03-01T10:00:01.000Z',
        correlation,
      );
    const sagaRef = { sagaId: 'saga-ord-a2', sagaName: 'OrderFulfillment' };
    const confirmed = envelope(
      {
        type: 'OrderConfirmed',
        streamId: 'order#ord-a2',
        streamVersion: 2,
        data: { orderId: 'ord-a2', paymentId: 'pay-a2', shipmentId: 'shp-a2' },
      },
      '2026-03-01T10:00:02.000Z',
      correlation,
    );
    // The confirmation arrives before the order it confirms: parked, then applied when the gap fills.
    await publish(confirmed);
    await publish(placed('ord-a2'));
    await publish(saga('SagaStarted', 1, { ...sagaRef, subjectId: 'ord-a2', steps: ['reserve', 'charge'] }));
    await publish(saga('SagaStepCompleted', 2, { ...sagaRef, step: 'reserve', stepIndex: 0 }));

    // A second order whose saga compensated.
    const sagaRef3 = { sagaId: 'saga-ord-a3', sagaName: 'OrderFulfillment' };
    const at = '2026-03-02T09:00:00.000Z';
    await publish(placed('ord-a3'));
    await publish(
      envelope(
        {
          type: 'SagaStarted',
          streamId: 'saga-ord-a3',
          streamVersion: 1,
          data: { ...sagaRef3, subjectId: 'ord-a3', steps: ['reserve', 'charge'] },
        },
        at,
        'corr-ord-a3',
      ),
    );
    await publish(
      envelope(
        {
          type: 'SagaCompensated',
          streamId: 'saga-ord-a3',
          streamVersion: 2,
          data: { ...sagaRef3, failedStep: 'charge', compensatedSteps: ['reserve'], reason: 'card declined' },
        },
        at,
        'corr-ord-a3',
      ),
    );
    await publish(
      envelope(
        {
          type: 'OrderCancelled',
          streamId: 'order#ord-a3',
          streamVersion: 2,
          data: { orderId: 'ord-a3', reason: 'card declined', failedStep: 'charge' },
        },
        at,
        'corr-ord-a3',
      ),
    );

    // The events reach the projector through its queue, in batches (one read and one write of the summary
    // each); a generous wait for a loaded machine.
    const s = await eventually(async () => {
      const current = await summary();
      return current.sagas.compensated === 1 &&
        current.sagas.succeeded === 1 &&
        current.ordersByStatus.CANCELLED === 1
        ? current
        : undefined;
    }, 60_000);
    expect(s.ordersByStatus).toEqual({ PENDING: 1, CONFIRMED: 1, SHIPPED: 0, DELIVERED: 0, CANCELLED: 1 });
    expect(s.sagas).toEqual({
      started: 2,
      running: 0,
      succeeded: 1,
      compensated: 1,
      failed: 0,
      successRate: 0.5,
    });
    // Every order was placed on 2026-03-01; revenue counts the confirmed one only.
    expect(s.days).toEqual([
      { date: '2026-03-01', orders: 3, confirmed: 1, cancelled: 1, revenue: { EUR: 2500 } },
    ]);
    expect((await summary({ includeDetails: true })).orders).toHaveProperty('ord-a2');
  });

  it('sends an event it cannot apply to the dead-letter queue after five receives, and counts the others', async () => {
    const queue = app.sqs.get(physicalName(app, 'Analytics', 'ProjectorQueue/Queue'));
    const deadLetters = app.sqs.get(physicalName(app, 'Analytics', 'ProjectorQueue/DeadLetterQueue'));
    // Matches the rule (orders' source and type), but is no CommerceForge event: the projector reports it.
    const out = await bus('orders').send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: 'commerceforge.orders',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({ eventId: 'evt-analytics-unreadable', type: 'OrderPlaced' }),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const good = placed('ord-a4');
    await publish(good);

    const unreadable = (m: { body: string }) => m.body.includes('evt-analytics-unreadable');
    // Five receives, each reported back by the projector. Instead of waiting out the visibility timeout (six
    // times the function's) each time, the test shows the message again as soon as it is received: the one
    // local poller takes it once the batch that holds it is done, as AWS's would once the timeout ran out.
    for (let receives = 1; receives <= 5; receives++) {
      const received = await eventually(() => {
        const message = queue.messages.find(unreadable);
        return message && message.receiveCount >= receives ? message : undefined;
      }, 30_000);
      queue.changeVisibility(received.receiptHandle!, 0);
    }
    const dead = await eventually(() => deadLetters.messages.find(unreadable), 30_000);
    expect(JSON.parse(dead.body)).toMatchObject({
      source: 'commerceforge.orders',
      'detail-type': 'OrderPlaced',
    });
    expect(queue.messages.some(unreadable)).toBe(false);
    // The good event of the same moment was counted.
    const s = await eventually(async () => {
      const current = await summary({ includeDetails: true });
      return current.orders && 'ord-a4' in current.orders ? current : undefined;
    });
    expect(s.ordersByStatus.PENDING).toBe(2);
  });

  it('refuses a malformed query with a ValidationError', async () => {
    const out = await invoke(app, clients.lambda, 'Analytics', 'Query', { everything: true });
    expect(out).toMatchObject({ ok: false, errorType: 'ValidationError' });
  });

  it('rebuilds SalesSummary from the same events into the same facts and numbers as the live projector kept', async () => {
    const table = physicalName(app, 'Analytics', 'SalesSummary');
    const live = await scanViews(clients.doc, table, 'id');
    const fresh = await createViewTable(clients.dynamodb, 'SalesSummaryRebuilt', 'id');
    const unique = [...new Map(put.map((e) => [e.eventId, e])).values()];
    // As an archive replay feeds the live projector: every event again, in batches, into a cleared table.
    const projector = createSalesProjector({ client: clients.doc, tableName: fresh });
    const results = await projector.projectBatch(replayOrder(unique));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const rebuilt = await scanViews(clients.doc, fresh, 'id');
    // The facts items are the same; the counters may differ by ones left at 0 (a delta taken back), not in what
    // they publish.
    const { [SALES_SUMMARY_KEY]: liveSummary, ...liveFacts } = live;
    const { [SALES_SUMMARY_KEY]: rebuiltSummary, ...rebuiltFacts } = rebuilt;
    expect(rebuiltFacts).toEqual(liveFacts);
    expect(Object.keys(liveFacts).length).toBeGreaterThan(0);
    expect(numbersFromCounters(rebuiltSummary!)).toEqual(numbersFromCounters(liveSummary!));
    expect(rebuiltSummary!.updatedAt).toBe(liveSummary!.updatedAt);
  });

  // After the rebuild check: that one compares the whole table with a rebuild of SalesSummary alone.
  it('counts sign-ups from the users service (onboarding), ids only', async () => {
    const registered = await invoke(app, clients.lambda, 'Users', 'Commands', {
      command: { type: 'RegisterUser', data: { email: 'onboarding@example.com', name: 'Ona Board' } },
    });
    expect(registered).toMatchObject({ ok: true });
    const customers = await eventually(async () => {
      const answer = await summary();
      return answer.customers?.registered === 1 ? answer.customers : undefined;
    });
    expect(customers).toMatchObject({ registered: 1, deleted: 0, signupsByDay: [{ signups: 1 }] });
    expect(JSON.stringify(await summary({ includeDetails: true }))).not.toContain('onboarding@example.com');
  });
});
