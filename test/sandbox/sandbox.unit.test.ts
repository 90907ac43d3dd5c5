/**
 * The sandbox provider's answers (functions/sandbox/handler.ts `serveSandbox`), with an in-memory answer store:
 * tokens and countries in `ok` mode, outages whatever the token, late answers in `slow` mode, one answer per
 * idempotency key, and bad requests refused before anything is kept.
 */
import { describe, expect, it } from 'vitest';
import type { SandboxMode, SandboxProvider } from '../../functions/sandbox/contract.js';
import { serveSandbox } from '../../functions/sandbox/handler.js';
import type { AnswerStore, Recall, Remembered } from '../../functions/sandbox/idempotency.js';

function memoryAnswers(): AnswerStore & { kept: Map<string, { request: string; answer: Remembered }> } {
  const kept = new Map<string, { request: string; answer: Remembered }>();
  const recall = async (key: string, request: string): Promise<Recall> => {
    const found = kept.get(key);
    if (!found) return { kind: 'new' };
    return found.request === request ? { kind: 'replay', answer: found.answer } : { kind: 'mismatch' };
  };
  return {
    kept,
    async remember(key, request, answer) {
      if (kept.has(key)) return recall(key, request);
      kept.set(key, { request, answer });
      return { kind: 'new' };
    },
  };
}

const charge = (paymentToken: string, key = 'o-1:p-1', orderId = 'o-1') => ({
  rawPath: '/v1/charges',
  requestContext: { http: { method: 'POST' } },
  headers: { 'idempotency-key': key, 'content-type': 'application/json' },
  body: JSON.stringify({ orderId, amount: 4200, currency: 'EUR', paymentToken }),
});
const shipment = (country: string) => ({
  rawPath: '/v1/shipments',
  requestContext: { http: { method: 'POST' } },
  headers: { 'idempotency-key': 's-1' },
  body: JSON.stringify({ shipmentId: 's-1', orderId: 'o-1', country, parcels: 1 }),
});

function sandbox(provider: SandboxProvider, mode: SandboxMode = 'ok') {
  const answers = memoryAnswers();
  const slept: number[] = [];
  const serve = (event: Parameters<typeof serveSandbox>[0]) =>
    serveSandbox(event, {
      provider,
      answers,
      slowMs: 4_000,
      mode: async () => mode,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
  return { serve, answers, slept };
}

describe('the sandbox payment provider', () => {
  it.each([
    ['tok_visa', 200, { status: 'approved', providerReference: 'sim_ch_o-1' }],
    ['tok_decline', 402, { status: 'declined', declineCode: 'card_declined' }],
    ['tok_other', 402, { status: 'declined', declineCode: 'invalid_token' }],
    ['tok_error', 503, { error: 'unavailable' }],
  ])('in ok mode answers %s with %i', async (token, statusCode, body) => {
    const { http, outcome } = await sandbox('payment-provider').serve(charge(token));
    expect(http.statusCode).toBe(statusCode);
    expect(JSON.parse(http.body)).toMatchObject(body);
    expect(outcome).not.toBe('invalid');
  });

  it('in outage mode fails every call as an outage, tok_visa included, and keeps nothing', async () => {
    const { serve, answers } = sandbox('payment-provider', 'outage');
    const { http, outcome, mode } = await serve(charge('tok_visa'));
    expect(http.statusCode).toBe(503);
    expect({ outcome, mode }).toEqual({ outcome: 'unavailable', mode: 'outage' });
    expect(answers.kept.size).toBe(0);
  });

  it('in slow mode answers after the configured delay', async () => {
    const { serve, slept } = sandbox('payment-provider', 'slow');
    const { http } = await serve(charge('tok_visa'));
    expect(slept).toEqual([4_000]);
    expect(http.statusCode).toBe(200);
  });

  it('answers a repeated idempotency key with the first answer, marked as replayed', async () => {
    const { serve } = sandbox('payment-provider');
    const first = await serve(charge('tok_visa'));
    const again = await serve(charge('tok_visa'));
    expect(again.http.body).toBe(first.http.body);
    expect(again.http.headers['idempotent-replayed']).toBe('true');
    expect(again.outcome).toBe('replay');
  });

  it('refuses a key reused for another request with 422, keeping the first answer', async () => {
    const { serve, answers } = sandbox('payment-provider');
    await serve(charge('tok_visa'));
    const other = await serve(charge('tok_visa', 'o-1:p-1', 'o-2'));
    expect(other.http.statusCode).toBe(422);
    expect(JSON.parse(other.http.body)).toMatchObject({ error: 'idempotency_mismatch' });
    expect(answers.kept.size).toBe(1);
  });

  it.each([
    ['no idempotency key', { ...charge('tok_visa'), headers: {} }, 400],
    ['a body outside the contract', { ...charge('tok_visa'), body: '{"orderId":"o-1"}' }, 400],
    ['a body that is not JSON', { ...charge('tok_visa'), body: 'amount=1' }, 400],
    ['another path', { ...charge('tok_visa'), rawPath: '/v1/refunds' }, 404],
    ['a GET', { ...charge('tok_visa'), requestContext: { http: { method: 'GET' } } }, 404],
  ])('refuses %s (%i) and keeps nothing', async (_what, event, statusCode) => {
    const { serve, answers } = sandbox('payment-provider');
    expect((await serve(event)).http.statusCode).toBe(statusCode);
    expect(answers.kept.size).toBe(0);
  });
});

describe('the sandbox carrier', () => {
  it('accepts the countries shipping always served and rejects others as UNSUPPORTED_COUNTRY', async () => {
    const accepted = await sandbox('carrier').serve(shipment('FR'));
    expect(accepted.http.statusCode).toBe(200);
    expect(JSON.parse(accepted.http.body)).toEqual({
      status: 'accepted',
      carrier: 'SimPost',
      reference: 'sim_sh_s-1',
    });
    const rejected = await sandbox('carrier').serve(shipment('JP'));
    expect(rejected.http.statusCode).toBe(422);
    expect(JSON.parse(rejected.http.body)).toMatchObject({ status: 'rejected', code: 'UNSUPPORTED_COUNTRY' });
  });

  it('in outage mode fails every booking', async () => {
    expect((await sandbox('carrier', 'outage').serve(shipment('FR'))).http.statusCode).toBe(503);
  });

  it('serves only its own path: a charge sent to the carrier is 404', async () => {
    expect((await sandbox('carrier').serve(charge('tok_visa'))).http.statusCode).toBe(404);
  });
});
