import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import { rebuildProjection, scanViews } from '../../functions/kernel/projection/dynamodb.js';
import { createEventStore } from '../../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import type { PaymentResult } from '../../functions/payments/handlers/execute.js';
import { paymentViewProjection } from '../../functions/payments/read-model/payment-view.js';
import { type Clients, clientsFor, createViewTable, invoke, succeeded } from '../helpers/invoke.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let clients: Clients;
let store: EventStore;
let viewTable: string;
let vaultTable: string;

beforeAll(async () => {
  app = await startLocalApp();
  clients = clientsFor(app);
  store = createEventStore({
    client: clients.doc,
    tableName: physicalName(app, 'Payments', 'EventStore/Table'),
  });
  viewTable = physicalName(app, 'Payments', 'PaymentView');
  vaultTable = physicalName(app, 'Payments', 'PaymentTokenVault');
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

const payments = (payload: unknown) => invoke(app, clients.lambda, 'Payments', 'Commands', payload);
/**
 * A charge as the saga asks for it: the token waits in the token vault (as PlaceOrder leaves it; put here
 * directly, so a test can swap it), the command names none.
 */
const charge = async (orderId: string, paymentToken: string, amount = 4200) => {
  await clients.doc.send(
    new PutCommand({
      TableName: vaultTable,
      Item: { orderId, paymentToken, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    }),
  );
  return payments({
    command: {
      type: 'ChargePayment',
      data: { paymentId: `pay-${orderId}`, orderId, customerId: 'cust-1', amount, currency: 'EUR' },
    },
    actor: { type: 'service', id: 'saga' },
  });
};
const refund = (orderId: string, refundId: string, amount?: number) =>
  payments({
    command: {
      type: 'RefundPayment',
      data: { orderId, refundId, reason: 'order cancelled', ...(amount === undefined ? {} : { amount }) },
    },
  });

const streamOf = async (orderId: string) => (await store.load(`payment#${orderId}`)).events as DomainEvent[];
const onBus = (eventId: string) =>
  eventually(() =>
    app.plugins.eventBridge.service!.bridge.events.find(
      (e) => (e.event.detail as { eventId?: string }).eventId === eventId,
    ),
  );
const viewOf = async (orderId: string) =>
  (await clients.doc.send(new GetCommand({ TableName: viewTable, Key: { orderId }, ConsistentRead: true })))
    .Item;

describe('payments on the local cloud', () => {
  it('charges with tok_visa: PaymentCharged in the store and on the bus (ids intact), PaymentView kept', async () => {
    const { events, result } = succeeded<PaymentResult>(await charge('ord-visa', 'tok_visa'));
    expect(events.map((e) => e.type)).toEqual(['PaymentCharged']);
    expect(result).toEqual({
      orderId: 'ord-visa',
      paymentId: 'pay-ord-visa',
      status: 'CHARGED',
      amount: 4200,
      currency: 'EUR',
      refundedAmount: 0,
      providerReference: 'sim_ch_ord-visa',
    });

    const [stored] = await streamOf('ord-visa');
    expect(stored).toMatchObject({ type: 'PaymentCharged', streamVersion: 1, source: 'payments' });
    expect(stored!.actor).toEqual({ type: 'service', id: 'saga' });
    expect(stored!.correlationId).toBeTruthy();
    expect(stored!.causationId).toBeTruthy();

    const published = await onBus(stored!.eventId);
    expect(published.event.source).toBe('commerceforge.payments');
    expect(published.event['detail-type']).toBe('PaymentCharged');
    expect(published.event.detail).toMatchObject({
      correlationId: stored!.correlationId,
      causationId: stored!.causationId,
    });

    const view = await eventually(async () => await viewOf('ord-visa'));
    expect(view).toMatchObject({ orderId: 'ord-visa', status: 'CHARGED', amount: 4200, refundedAmount: 0 });
  });

  it('charges an order at most once: a second ChargePayment answers from the state, nothing appended', async () => {
    succeeded(await charge('ord-twice', 'tok_visa'));
    const again = succeeded<PaymentResult>(await charge('ord-twice', 'tok_visa'));
    expect(again.events).toEqual([]);
    expect(again.result).toMatchObject({ status: 'CHARGED', amount: 4200 });
    expect((await streamOf('ord-twice')).map((e) => e.type)).toEqual(['PaymentCharged']);

    const otherAmount = await charge('ord-twice', 'tok_visa', 1);
    expect(otherAmount).toMatchObject({ ok: false, errorType: 'BusinessRuleError' });
    expect(await streamOf('ord-twice')).toHaveLength(1);
  });

  it('records a decline (tok_decline) and fails the step with PaymentDeclinedError, again on a retry', async () => {
    const declined = await charge('ord-decline', 'tok_decline');
    expect(declined).toMatchObject({ ok: false, errorType: 'PaymentDeclinedError' });
    const stream = await streamOf('ord-decline');
    expect(stream.map((e) => e.type)).toEqual(['PaymentDeclined']);
    expect(stream[0]!.data).toMatchObject({ declineCode: 'card_declined' });
    await onBus(stream[0]!.eventId);

    expect(await charge('ord-decline', 'tok_decline')).toMatchObject({
      ok: false,
      errorType: 'PaymentDeclinedError',
    });
    expect(await streamOf('ord-decline')).toHaveLength(1);
    expect(await eventually(async () => await viewOf('ord-decline'))).toMatchObject({ status: 'DECLINED' });
  });

  it('fails like an outage with tok_error: errorType ProviderUnavailableError (minified bundle), nothing written', async () => {
    const outage = await charge('ord-outage', 'tok_error');
    expect(outage).toMatchObject({ ok: false, errorType: 'ProviderUnavailableError' });
    expect(await streamOf('ord-outage')).toEqual([]);
    // The provider is back: the saga's retry charges.
    expect(succeeded<PaymentResult>(await charge('ord-outage', 'tok_visa')).result.status).toBe('CHARGED');
  });

  it('refuses malformed commands with a ValidationError and writes nothing', async () => {
    expect(await charge('ord-invalid', 'tok_visa', 0)).toMatchObject({
      ok: false,
      errorType: 'ValidationError',
    });
    expect(await charge('ord-invalid', 'tok_visa', -5)).toMatchObject({
      ok: false,
      errorType: 'ValidationError',
    });
    expect(await payments({ command: { type: 'StealMoney', data: {} } })).toMatchObject({
      ok: false,
      errorType: 'ValidationError',
    });
    expect(await streamOf('ord-invalid')).toEqual([]);
  });

  it('refunds up to the charge: partial refunds add up, more is refused, a repeated refund id is a no-op', async () => {
    succeeded(await charge('ord-refund', 'tok_visa', 1000));
    expect(succeeded<PaymentResult>(await refund('ord-refund', 'r1', 400)).result).toMatchObject({
      status: 'CHARGED',
      refundedAmount: 400,
    });
    expect(succeeded<PaymentResult>(await refund('ord-refund', 'r2', 400)).result).toMatchObject({
      refundedAmount: 800,
    });
    expect(await refund('ord-refund', 'r3', 300)).toMatchObject({
      ok: false,
      errorType: 'BusinessRuleError',
    });
    expect(succeeded(await refund('ord-refund', 'r1', 400)).events).toEqual([]);
    expect((await streamOf('ord-refund')).map((e) => e.type)).toEqual([
      'PaymentCharged',
      'PaymentRefunded',
      'PaymentRefunded',
    ]);
    // The compensation refunds what is left, and is safe to retry.
    expect(succeeded<PaymentResult>(await refund('ord-refund', 'comp', undefined)).result).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: 1000,
    });
    expect(succeeded(await refund('ord-refund', 'comp', undefined)).events).toEqual([]);
    // Compensating a payment never charged (declined, or never attempted) succeeds with nothing to undo.
    expect(succeeded<PaymentResult>(await refund('ord-never', 'comp', undefined)).result).toEqual({
      orderId: 'ord-never',
      status: 'NONE',
    });

    const view = await eventually(async () => {
      const item = await viewOf('ord-refund');
      return item?.status === 'REFUNDED' ? item : undefined;
    });
    expect(view).toMatchObject({ amount: 1000, refundedAmount: 1000 });
  });

  it('rebuilds PaymentView from the event store into the same items as the live projector kept', async () => {
    const settled = async () => {
      const live = await scanViews(clients.doc, viewTable, 'orderId');
      return live['ord-refund']?.status === 'REFUNDED' && live['ord-outage'] && live['ord-decline']
        ? live
        : undefined;
    };
    const live = await eventually(settled);
    const fresh = await createViewTable(clients.dynamodb, 'PaymentViewRebuilt', 'orderId');
    const result = await rebuildProjection({
      source: store,
      projection: paymentViewProjection,
      client: clients.doc,
      tableName: fresh,
    });
    expect(result.views).toBe(Object.keys(live).length);
    expect(await scanViews(clients.doc, fresh, 'orderId')).toEqual(live);
  });
});
