/**
 * Screenshots of the local console for the README, made from a real run so they can be refreshed:
 *
 *   npx tsx scripts/console-screenshots.ts [--out docs/console] [--endpoint http://localhost:4566]
 *
 * Without `--endpoint` it starts the app on the local cloud on a free port (synthesized as the e2e tests
 * do), places two orders through GraphQL (one paid with `tok_visa`, confirmed; one with `tok_decline`,
 * cancelled and compensated), then opens each panel in headless Chromium (`/usr/bin/chromium`, or
 * `CHROMIUM_PATH`; never a downloaded browser) at 1280×800 and writes `<panel>.png` into the folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

/** Places an order through the GraphQL API with the local API key; returns its id. */
export async function placeOrder(endpoint: string, paymentToken: string, sku: string): Promise<string> {
  const response = await fetch(`${endpoint}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': process.env.LOCAL_API_KEY ?? 'local-dev-key',
    },
    body: JSON.stringify({
      query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }',
      variables: {
        input: {
          customerId: `console-${randomUUID()}`,
          items: [{ sku, quantity: 1 }],
          paymentToken,
          shippingAddress: address,
          idempotencyKey: randomUUID(),
        },
      },
    }),
  });
  const answer = (await response.json()) as { data?: { placeOrder?: { id: string } }; errors?: unknown };
  const id = answer.data?.placeOrder?.id;
  if (!id) throw new Error(`placeOrder failed: ${JSON.stringify(answer.errors)}`);
  return id;
}

/** The first product the catalogue lists once the seed reached the read model. */
export async function firstSku(endpoint: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${endpoint}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': process.env.LOCAL_API_KEY ?? 'local-dev-key',
      },
      body: JSON.stringify({ query: '{ products { sku available } }' }),
    });
    const answer = (await response.json()) as { data?: { products?: { sku: string; available: number }[] } };
    const product = answer.data?.products?.find((p) => p.available > 10);
    if (product) return product.sku;
    if (Date.now() > deadline) throw new Error('the catalogue is empty: is the seed running?');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function sagasDone(endpoint: string, names: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { executions } = (await (await fetch(`${endpoint}/console/api/executions`)).json()) as {
      executions: { name: string; status: string; executionArn: string; compensated: boolean }[];
    };
    const ours = executions.filter((e) => names.includes(e.name) && e.status !== 'RUNNING');
    if (ours.length === names.length) return ours;
    if (Date.now() > deadline) throw new Error('the sagas did not finish');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main() {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, endpoint: { type: 'string' } },
  });
  const out = path.resolve(values.out ?? 'docs/console');
  mkdirSync(out, { recursive: true });
  let stop = async () => {};
  let endpoint = values.endpoint;
  if (!endpoint) {
    console.log('starting the app on the local cloud…');
    const { startLocalApp } = await import('../test/helpers/local-app.js');
    const app = await startLocalApp();
    endpoint = app.url;
    stop = () => app.stop();
  }
  try {
    const sku = await firstSku(endpoint);
    const confirmed = await placeOrder(endpoint, 'tok_visa', sku);
    const cancelled = await placeOrder(endpoint, 'tok_decline', sku);
    const sagas = await sagasDone(endpoint, [confirmed, cancelled]);
    const compensated = sagas.find((s) => s.name === cancelled)!;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      // [file, page, what shows it is ready, what to click then (e.g. one event, to show its envelope)]
      const shots: Array<[string, string, string, string?]> = [
        ['map', '#/map', '.graph svg'],
        ['map-stack', `#/map?stack=${encodeURIComponent(await sagaStack(endpoint))}`, '.graph svg'],
        [
          'events',
          '#/events?detailType=Order',
          '[data-testid=event-row]',
          '[data-testid=event-row][data-detail-type=OrderCancelled]',
        ],
        ['sagas', '#/sagas', '[data-testid=saga-row]'],
        ['saga', `#/sagas/${encodeURIComponent(compensated.executionArn)}`, '[data-testid=state]'],
        [
          'trace',
          `#/traces?correlationId=${await correlationOf(endpoint, compensated.executionArn)}`,
          '[data-testid=span]',
        ],
        ['dead-letters', '#/dlq', 'h2'],
        ['operations', '#/ops', 'h2'],
      ];
      for (const [name, hash, ready, click] of shots) {
        await page.goto(`${endpoint}/console${hash}`);
        await page.waitForSelector(ready, { timeout: 30_000 });
        if (click) await page.click(click);
        await page.waitForTimeout(800);
        await page.screenshot({ path: path.join(out, `${name}.png`) });
        console.log(`  ${path.relative(process.cwd(), path.join(out, `${name}.png`))}`);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await stop();
  }
}

/** The stack that holds a state machine: the map's closest view of one saga's neighbours. */
async function sagaStack(endpoint: string): Promise<string> {
  const map = (await (await fetch(`${endpoint}/console/api/map`)).json()) as {
    nodes: { kind: string; stack: string }[];
  };
  return map.nodes.find((node) => node.kind === 'stateMachine')?.stack ?? '';
}

async function correlationOf(endpoint: string, executionArn: string): Promise<string> {
  const view = (await (
    await fetch(`${endpoint}/console/api/executions/${encodeURIComponent(executionArn)}`)
  ).json()) as {
    correlationId?: string;
  };
  return encodeURIComponent(view.correlationId ?? '');
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]).endsWith(path.join('scripts', 'console-screenshots.ts'))
) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
