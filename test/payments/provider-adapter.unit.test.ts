/**
 * The payment provider adapter over a fake `fetch`: answers map to approved / declined, what is not an answer
 * (a timeout, a refused connection, 5xx, 429, an undiscoverable URL) to the retryable ProviderUnavailableError,
 * an answer outside the contract to ProviderProtocolError; the idempotency key names the charge, and calls to
 * the sandbox are SigV4-signed for Lambda.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../../functions/payments/domain/index.js';
import { ProviderProtocolError } from '../../functions/payments/handlers/errors.js';
import { httpPaymentProvider } from '../../functions/payments/handlers/provider-adapter.js';

const call = {
  orderId: 'o-1',
  amount: 4200,
  currency: 'EUR',
  paymentToken: 'tok_visa',
  idempotencyKey: 'o-1:p-1',
};
const respond = (status: number, body: unknown) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

function provider(
  answer: (request: Request, signal: AbortSignal) => Promise<Response>,
  options: { signed?: boolean; timeoutMs?: number } = {},
) {
  const requests: Request[] = [];
  const client = httpPaymentProvider({
    url: async () => 'http://127.0.0.1:9/lambda-url/abc/',
    timeoutMs: options.timeoutMs ?? 200,
    signed: options.signed ?? false,
    fetch: (async (input: URL, init: RequestInit) => {
      const request = new Request(input, init);
      requests.push(request);
      return answer(request, init.signal!);
    }) as typeof fetch,
  });
  return { client, requests };
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('the payment provider adapter', () => {
  it('posts the charge with its idempotency key to /v1/charges and returns an approval', async () => {
    const { client, requests } = provider(async () =>
      respond(200, { status: 'approved', providerReference: 'ref-1' }),
    );
    expect(await client.charge(call)).toEqual({ status: 'approved', providerReference: 'ref-1' });
    expect(requests[0]!.url).toBe('http://127.0.0.1:9/lambda-url/abc/v1/charges');
    expect(requests[0]!.headers.get('idempotency-key')).toBe('o-1:p-1');
    expect(await requests[0]!.json()).toEqual({
      orderId: 'o-1',
      amount: 4200,
      currency: 'EUR',
      paymentToken: 'tok_visa',
    });
  });

  it('returns a decline (402) as an answer, not an error', async () => {
    const { client } = provider(async () =>
      respond(402, { status: 'declined', declineCode: 'card_declined', reason: 'no' }),
    );
    expect(await client.charge(call)).toMatchObject({ status: 'declined', declineCode: 'card_declined' });
  });

  it.each([503, 500, 429])('throws the retryable ProviderUnavailableError on %i', async (status) => {
    const { client } = provider(async () => respond(status, { error: 'unavailable' }));
    const error = await client.charge(call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({
      name: 'ProviderUnavailableError',
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
    });
  });

  it('throws ProviderUnavailableError when the provider does not answer within the timeout', async () => {
    const { client } = provider(
      // The caller's signal, not the Request's copy: a Request's signal follows the caller's only weakly, and
      // nothing else holds this fake's Request, so a GC mid-wait let it go and the test hung (CI, 120 s).
      (_request, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      { timeoutMs: 50 },
    );
    const error = (await client.charge(call).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toContain('within 50 ms');
  });

  it('throws ProviderUnavailableError when the connection is refused or the URL cannot be discovered', async () => {
    const refused = provider(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(refused.client.charge(call)).rejects.toBeInstanceOf(ProviderUnavailableError);
    const undiscoverable = httpPaymentProvider({
      url: async () => {
        throw new Error('ParameterNotFound');
      },
      timeoutMs: 100,
      signed: false,
    });
    await expect(undiscoverable.charge(call)).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it.each([
    ['a 200 that is a decline', 200, { status: 'declined', declineCode: 'x', reason: 'y' }],
    ['a body outside the contract', 200, { ok: true }],
    ['a 422 (a reused idempotency key)', 422, { error: 'idempotency_mismatch' }],
    ['a body that is not JSON', 200, 'approved'],
  ])('throws the non-retryable ProviderProtocolError on %s', async (_what, status, body) => {
    const { client } = provider(async () => respond(status, body));
    const error = await client.charge(call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderProtocolError);
    expect(error).toMatchObject({ code: 'PROVIDER_PROTOCOL_ERROR', retryable: false });
  });

  it('signs a call to the sandbox with SigV4 for Lambda with the function credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIATESTKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_REGION = 'eu-west-1';
    const { client, requests } = provider(
      async () => respond(200, { status: 'approved', providerReference: 'r' }),
      {
        signed: true,
      },
    );
    await client.charge(call);
    expect(requests[0]!.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIATESTKEY\/\d{8}\/eu-west-1\/lambda\/aws4_request/,
    );
  });
});
