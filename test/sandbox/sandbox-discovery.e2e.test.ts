/**
 * Service discovery and the sandbox providers end to end on the local cloud, driven with the AWS CLI as an
 * operator would: every service's parameters under `/commerceforge/dev/`; the payment provider switched to
 * `outage` with `aws ssm put-parameter --overwrite`, a tok_visa order then ends CANCELLED with its stock back
 * and no payment, and the sandbox's own count of calls (its EMF metric `SandboxCalls`, read from the lines the
 * functions print) shows the calls reached it and failed; switched back to `ok`, a tok_visa order is CONFIRMED.
 * A `slow` carrier answers after the adapter's timeout: the shipment step fails, the charge is refunded.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { postJson } from '../../functions/kernel/outbound.js';
import type { OrderResult } from '../../functions/orders/handlers/commands.js';
import type { LocalLogger } from '../../local/core/log.js';
import { awsCli } from '../helpers/aws-cli.js';
import { type Clients, clientsFor, invoke, succeeded } from '../helpers/invoke.js';
import {
  eventually,
  functionCredentials,
  type LocalApp,
  physicalName,
  startLocalApp,
} from '../helpers/local-app.js';

const MODE = '/commerceforge/dev/sandbox/payment-provider/mode';

let app: LocalApp;
let clients: Clients;
const lines: string[] = [];
const collecting: LocalLogger = {
  info: () => {},
  warn: (line) => console.warn(line),
  output: (_source, line) => {
    if (line.includes('SandboxCalls')) lines.push(line);
  },
};
const table = {} as Record<'orderView' | 'productView' | 'paymentView' | 'priceList', string>;

const aws = (...args: string[]) => awsCli(app.url, args);

interface SandboxCall {
  readonly Provider: string;
  readonly Mode: string;
  readonly Outcome: string;
}

/** The sandbox's EMF datapoints so far: one per call it received. */
function sandboxCalls(): SandboxCall[] {
  return lines.flatMap((line) => {
    try {
      const emf = JSON.parse(line.slice(line.indexOf('{'))) as Partial<SandboxCall> & {
        SandboxCalls?: number;
      };
      return emf.SandboxCalls === 1 && emf.Provider ? [emf as SandboxCall] : [];
    } catch {
      return [];
    }
  });
}

const get = async (TableName: string, Key: Record<string, string>) =>
  (await clients.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;

async function placeOrder(key: string, sku: string): Promise<OrderResult> {
  const customerId = `cust-sandbox-${key}`;
  const out = await invoke(app, clients.lambda, 'Orders', 'Commands', {
    command: {
      type: 'PlaceOrder',
      data: {
        customerId,
        items: [{ sku, quantity: 1 }],
        shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        paymentToken: 'tok_visa',
        idempotencyKey: `sandbox-e2e-${key}`,
      },
    },
    actor: { type: 'user', id: customerId },
  });
  return succeeded<OrderResult>(out).result;
}

const orderViewIn = (orderId: string, statuses: string[]) =>
  eventually(async () => {
    const view = await get(table.orderView, { id: orderId });
    return view && statuses.includes(view.status as string) ? view : undefined;
  }, 120_000);

beforeAll(async () => {
  // Saga retry waits at 1/100: the outage's retries take milliseconds, not seconds.
  app = await startLocalApp({ timeScale: 0.01, logger: collecting });
  clients = clientsFor(app);
  table.orderView = physicalName(app, 'Orders', 'OrderView');
  table.priceList = physicalName(app, 'Orders', 'PriceList');
  table.productView = physicalName(app, 'Inventory', 'ProductView');
  table.paymentView = physicalName(app, 'Payments', 'PaymentView');
  const { sku } = seedCatalogue[0]!;
  await eventually(() => get(table.priceList, { sku }), 120_000);
  await eventually(() => get(table.productView, { sku }), 120_000);
}, 300_000);
afterAll(async () => {
  await app?.stop();
});

describe('service discovery and the sandbox providers on the local cloud', () => {
  it('lists every service’s parameters with aws ssm get-parameters-by-path --recursive', async () => {
    const { Parameters } = (await aws(
      'ssm',
      'get-parameters-by-path',
      '--path',
      '/commerceforge/dev/',
      '--recursive',
    )) as {
      Parameters: { Name: string; Value: string }[];
    };
    const names = Parameters.map((p) => p.Name);
    const services = new Set(names.map((name) => name.split('/')[3]));
    for (const service of [
      'platform',
      'users',
      'inventory',
      'orders',
      'payments',
      'shipping',
      'notifications',
      'analytics',
      'reviews',
      'security',
      'sandbox',
      'api',
    ]) {
      expect(services, service).toContain(service);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        '/commerceforge/dev/orders/commands/function-arn',
        '/commerceforge/dev/payments/read-models/payment-view/table-name',
        '/commerceforge/dev/sandbox/carrier/mode',
        '/commerceforge/dev/sandbox/carrier/url',
      ]),
    );
    const byName = Object.fromEntries(Parameters.map((p) => [p.Name, p.Value]));
    expect(byName[MODE]).toBe('ok');
    // The URL the template's FunctionUrl resolves to is served by this endpoint.
    expect(byName['/commerceforge/dev/sandbox/payment-provider/url']).toMatch(
      new RegExp(`^${app.url}/lambda-url/[a-z0-9]+/$`),
    );
    expect(byName['/commerceforge/dev/orders/commands/function-arn']).toMatch(/^arn:aws:lambda:.*:live$/);
  });

  it('refuses an unsigned call to the sandbox (function URL with AWS_IAM auth), and a mode it does not know', async () => {
    const { Parameter } = (await aws(
      'ssm',
      'get-parameter',
      '--name',
      '/commerceforge/dev/sandbox/payment-provider/url',
    )) as {
      Parameter: { Value: string };
    };
    const response = await fetch(new URL('v1/charges', Parameter.Value), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'attacker' },
      body: JSON.stringify({ orderId: 'o', amount: 1, currency: 'EUR', paymentToken: 'tok_visa' }),
    });
    expect(response.status).toBe(403);
    // Signed, by a role not granted the provider (orders' Commands): 403; by payments' Commands: an answer.
    const signedBy = (service: string) =>
      postJson({
        baseUrl: Parameter.Value,
        path: '/v1/charges',
        body: { orderId: 'o-iam', amount: 1, currency: 'EUR', paymentToken: 'tok_decline' },
        headers: { 'idempotency-key': `iam-${service}` },
        timeoutMs: 30_000,
        signAs: 'lambda',
        credentials: functionCredentials(app, service, 'Commands'),
      });
    expect((await signedBy('Orders')).status).toBe(403);
    expect(await signedBy('Payments')).toMatchObject({ status: 402, json: { status: 'declined' } });
    const refused = await aws(
      'ssm',
      'put-parameter',
      '--name',
      MODE,
      '--value',
      'broken',
      '--overwrite',
    ).catch((error: Error) => error);
    expect(String(refused)).toContain('ParameterPatternMismatchException');
  });

  it('outage: a tok_visa order ends CANCELLED, stock and money where they were; the calls reached the sandbox', async () => {
    const sku = seedCatalogue[0]!.sku;
    expect(
      await aws('ssm', 'put-parameter', '--name', MODE, '--value', 'outage', '--overwrite'),
    ).toMatchObject({
      Version: 2,
    });
    // The sandbox caches its mode for 2 s (MODE_CACHE_SECONDS): let a cached `ok` expire, or a charge made
    // within the 2 s is answered as before the switch (CI saw this order CONFIRMED once its saga got faster).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const before = await get(table.productView, { sku });
    const order = await placeOrder('outage', sku);
    expect(await orderViewIn(order.orderId, ['CANCELLED', 'CONFIRMED'])).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'ChargePayment failed: ProviderUnavailableError',
    });
    // Reserved, then released: the view is back where it was once both are projected.
    const after = await eventually(async () => {
      const view = await get(table.productView, { sku });
      return view && Number(view.version) >= Number(before!.version) + 2 ? view : undefined;
    }, 60_000);
    expect(after).toMatchObject({ available: before!.available, reserved: before!.reserved });
    expect(await get(table.paymentView, { orderId: order.orderId })).toBeUndefined();
    const outageCalls = sandboxCalls().filter(
      (c) => c.Provider === 'payment-provider' && c.Mode === 'outage',
    );
    expect(outageCalls.length).toBeGreaterThanOrEqual(1);
    expect(outageCalls.every((c) => c.Outcome === 'unavailable')).toBe(true);
  });

  it('back to ok: a tok_visa order is CONFIRMED and the sandbox approved its charge', async () => {
    await aws('ssm', 'put-parameter', '--name', MODE, '--value', 'ok', '--overwrite');
    // The sandbox caches its mode for 2 s (MODE_CACHE_SECONDS): let a cached `outage` expire.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const order = await placeOrder('recovered', seedCatalogue[1]!.sku);
    expect(
      await orderViewIn(order.orderId, ['CANCELLED', 'CONFIRMED', 'SHIPPED', 'DELIVERED']),
    ).toMatchObject({
      status: expect.stringMatching(/CONFIRMED|SHIPPED|DELIVERED/),
    });
    const payment = await eventually(() => get(table.paymentView, { orderId: order.orderId }), 60_000);
    expect(payment).toMatchObject({ status: 'CHARGED', amount: order.total });
    expect(
      sandboxCalls().some(
        (c) => c.Provider === 'payment-provider' && c.Mode === 'ok' && c.Outcome === 'approved',
      ),
    ).toBe(true);
    expect(sandboxCalls().some((c) => c.Provider === 'carrier' && c.Outcome === 'accepted')).toBe(true);
  });

  it('slow carrier: the booking times out in the adapter, the charge is refunded and the order CANCELLED', async () => {
    await aws(
      'ssm',
      'put-parameter',
      '--name',
      '/commerceforge/dev/sandbox/carrier/mode',
      '--value',
      'slow',
      '--overwrite',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const order = await placeOrder('slow-carrier', seedCatalogue[1]!.sku);
    expect(await orderViewIn(order.orderId, ['CANCELLED', 'CONFIRMED'])).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'CreateShipment failed: CarrierUnavailableError',
    });
    const payment = await eventually(async () => {
      const view = await get(table.paymentView, { orderId: order.orderId });
      return view?.status === 'REFUNDED' ? view : undefined;
    }, 60_000);
    expect(payment).toMatchObject({ amount: order.total, refundedAmount: order.total });
    // The sandbox did receive the booking, in slow mode (it answered after the adapter had given up).
    await eventually(() => sandboxCalls().find((c) => c.Provider === 'carrier' && c.Mode === 'slow'), 30_000);
    await aws(
      'ssm',
      'put-parameter',
      '--name',
      '/commerceforge/dev/sandbox/carrier/mode',
      '--value',
      'ok',
      '--overwrite',
    );
  });
});
