/**
 * The payment provider's circuit breaker end to end on the local cloud, driven as an operator would: the
 * sandbox provider switched to `outage` with `aws ssm put-parameter`; tok_visa orders fail until the
 * `payment-provider` breaker is OPEN in GraphQL (`circuitBreakers`, API key); while it is open no call reaches
 * the provider (the sandbox's own count, its `SandboxCalls` EMF lines); switched back to `ok`, within the open
 * timeout (60 s) and a margin a tok_visa order is CONFIRMED and the breaker CLOSED. Every order placed on the way
 * ends terminal with money and stock where they were: the cancelled ones charged nothing and gave their stock
 * back. Step Functions' waits run at 1/100 (the saga's circuit-open retries take milliseconds); the breaker's
 * own clock is real time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import type { LocalLogger } from '../../local/core/log.js';
import { awsCliText } from '../helpers/aws-cli.js';
import { eventually, type LocalApp, startLocalApp } from '../helpers/local-app.js';

const MODE = '/commerceforge/dev/sandbox/payment-provider/mode';
const KEY = { 'x-api-key': 'local-dev-key' };
const TERMINAL = ['CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

let app: LocalApp;
/** The payment provider's calls as the sandbox counted them (one `SandboxCalls` EMF line each). */
let providerCalls = 0;
const counting: LocalLogger = {
  info: () => {},
  warn: (line) => console.warn(line),
  output: (_source, line) => {
    if (!line.includes('"SandboxCalls"') || !line.includes('payment-provider')) return;
    try {
      const emf = JSON.parse(line.slice(line.indexOf('{'))) as { SandboxCalls?: number; Provider?: string };
      if (emf.Provider === 'payment-provider' && typeof emf.SandboxCalls === 'number') {
        providerCalls += emf.SandboxCalls;
      }
    } catch {
      // not an EMF line
    }
  },
};

const aws = (...args: string[]) => awsCliText(app.url, args);

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...KEY },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: T; errors?: unknown[] };
  if (answer.errors || !answer.data) throw new Error(`GraphQL: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

interface Circuit {
  readonly name: string;
  readonly state: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
  readonly failureCount: number;
  readonly nextAttemptAt: string | null;
}
const paymentCircuit = async () =>
  (
    await gql<{ circuitBreakers: Circuit[] }>('{ circuitBreakers { name state failureCount nextAttemptAt } }')
  ).circuitBreakers.find((circuit) => circuit.name === 'payment-provider');

interface OrderSeen {
  readonly status: string;
  readonly failureReason: string | null;
  readonly payment: {
    readonly status: string;
    readonly amount: number;
    readonly refundedAmount: number;
  } | null;
}
const SKU = seedCatalogue[0]!.sku;
const placed: string[] = [];

async function placeOrder(key: string): Promise<string> {
  const { placeOrder } = await gql<{ placeOrder: { id: string } }>(
    'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
    {
      input: {
        customerId: 'cust-breaker',
        items: [{ sku: SKU, quantity: 1 }],
        paymentToken: 'tok_visa',
        shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        idempotencyKey: `breaker-e2e-${key}`,
      },
    },
  );
  placed.push(placeOrder.id);
  return placeOrder.id;
}

/**
 * The order once its saga has ended and both read models it joins have caught up: OrderView terminal, and
 * PaymentView past the charge's outcome (each fed by events, after the saga's steps; a background projector
 * on a busy machine can trail the other by seconds).
 */
const orderEnded = (id: string) =>
  eventually(async () => {
    const { order } = await gql<{ order: OrderSeen | null }>(
      'query($id: ID!) { order(id: $id) { status failureReason payment { status amount refundedAmount } } }',
      { id },
    );
    if (!order || !TERMINAL.includes(order.status)) return undefined;
    const paymentSettled =
      order.status === 'CANCELLED'
        ? order.payment === null || order.payment.status !== 'CHARGED'
        : order.payment !== null;
    return paymentSettled ? order : undefined;
  }, 240_000);

const stock = async () =>
  (
    await gql<{ product: { available: number; reserved: number } }>(
      'query($sku: ID!) { product(sku: $sku) { available reserved } }',
      { sku: SKU },
    )
  ).product;

const setMode = async (mode: string) => {
  await aws('ssm', 'put-parameter', '--name', MODE, '--value', mode, '--overwrite');
  // The sandbox caches its mode for 2 s.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
};

let stockBefore: { available: number; reserved: number };

beforeAll(async () => {
  app = await startLocalApp({ timeScale: 0.01, logger: counting });
  stockBefore = await eventually(() => stock().catch(() => undefined), 120_000);
}, 300_000);
afterAll(async () => {
  await app?.stop();
});

describe('the payment provider behind its circuit breaker', () => {
  it('opens during an outage, lets no call through while open, and closes once the provider is back', async () => {
    expect((await paymentCircuit())?.state).toBe('CLOSED');
    await setMode('outage');

    // Each order tries the provider 4 times (PAYMENT_RETRY); 5 failures in a row, or half of 10 calls, open it.
    let opened: Circuit | undefined;
    for (let i = 0; i < 6 && !opened; i++) {
      const order = await orderEnded(await placeOrder(`outage-${i}`));
      expect(order.status).toBe('CANCELLED');
      const circuit = await paymentCircuit();
      if (circuit?.state === 'OPEN') opened = circuit;
    }
    expect(opened, 'the payment-provider breaker opened').toBeDefined();
    expect(opened!.failureCount).toBeGreaterThanOrEqual(5);
    expect(Date.parse(opened!.nextAttemptAt!)).toBeGreaterThan(Date.now());

    // While it is open: the orders are refused before any call, and the saga gives up after its waits.
    const callsWhenOpened = providerCalls;
    expect(callsWhenOpened).toBeGreaterThanOrEqual(5);
    for (const i of [0, 1]) {
      const order = await orderEnded(await placeOrder(`open-${i}`));
      expect(order).toMatchObject({
        status: 'CANCELLED',
        failureReason: 'ChargePayment failed: CircuitOpenError',
      });
    }
    expect(providerCalls, 'no call reached the provider while the circuit was open').toBe(callsWhenOpened);

    // The provider is back: after the open timeout one probe goes, then the circuit closes.
    await setMode('ok');
    const confirmed = await eventually(async () => {
      const order = await orderEnded(await placeOrder(`recovered-${placed.length}`));
      if (order.status === 'CONFIRMED') return order;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      return undefined;
    }, 60_000 + 120_000);
    expect(confirmed.payment).toMatchObject({ status: 'CHARGED', refundedAmount: 0 });
    const closed = await eventually(async () => {
      const circuit = await paymentCircuit();
      if (circuit?.state === 'CLOSED') return circuit;
      // Two successful probes close it: another order is the second.
      await orderEnded(await placeOrder(`closing-${placed.length}`));
      return undefined;
    }, 120_000);
    expect(closed).toMatchObject({ state: 'CLOSED', failureCount: 0 });
  }, 600_000);

  it('leaves money and stock where they were for every order placed on the way', async () => {
    const orders = await Promise.all(placed.map(orderEnded));
    let sold = 0;
    for (const order of orders) {
      if (order.status === 'CANCELLED') {
        // Nothing charged, or all of it refunded.
        expect(order.payment === null || order.payment.amount === order.payment.refundedAmount).toBe(true);
      } else {
        expect(order.payment).toMatchObject({ status: 'CHARGED', refundedAmount: 0 });
        sold += 1;
      }
    }
    expect(sold).toBeGreaterThanOrEqual(1);
    const after = await eventually(async () => {
      const now = await stock();
      return now.reserved === stockBefore.reserved + sold ? now : undefined;
    }, 60_000);
    expect(after.available + after.reserved).toBe(stockBefore.available + stockBefore.reserved);
  }, 300_000);
});
