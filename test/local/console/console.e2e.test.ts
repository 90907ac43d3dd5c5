/**
 * The local console in headless Chromium (Debian's, through playwright-core) on the real app: with the live
 * events page open, two orders go through GraphQL (one confirmed, one declined and compensated); then the
 * console lists both sagas, the cancelled one's graph marks the failed step and its compensations, the live
 * view showed OrderPlaced with the order's correlation id as it passed, and the saga's trace link opens a
 * waterfall across Step Functions, EventBridge and Lambda — with no error in the browser's console.
 * On the same run: the service map drawn from the templates, its counts grown by the orders; a rule of the
 * test's own whose target queue does not exist yet dead-letters both OrderPlaced events into a DLQ of the
 * templates, which the console lists and, once the queue exists, sends back with its Redrive button; alarms,
 * a circuit breaker's row and a read model's items; the page at `/`. The API's guards are checked on the same
 * cloud: a foreign Host and a cross-site redrive are refused.
 */
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoCircuitStore } from '../../../functions/kernel/resilience/index.js';
import { documentClient } from '../../../functions/kernel/store/dynamodb.js';
import type { MapCounts } from '../../../local/console/map-counts.js';
import type { QueueRow } from '../../../local/console/queues.js';
import type { ServiceMap } from '../../../local/console/service-map.js';
import { CHROMIUM_ARGS, firstSku, placeOrder } from '../../../scripts/console-screenshots.js';
import { eventually, type LocalApp, physicalName, startLocalApp } from '../../helpers/local-app.js';

const CHROMIUM = '/usr/bin/chromium';
const STACK = 'CommerceForge-dev-';
/** The test's own rule on OrderPlaced, and its target queue, which does not exist until the redrive. */
const UNREACHABLE_RULE = 'console-e2e-unreachable';
const INBOX = 'console-e2e-inbox';

type MapAnswer = ServiceMap & { readonly counts: MapCounts };

interface ExecutionRow {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly compensated: boolean;
  readonly correlationId?: string;
}

let app: LocalApp;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];
let confirmed: ExecutionRow;
let cancelled: ExecutionRow;
/** The map's counts before the orders. */
let mapBefore: MapAnswer;
/** A bus target's DLQ from the templates (orders' OrderView rule's), which the test's rule dead-letters into. */
let deadLetterQueue: QueueRow;

const statusWithHost = (path: string, host: string) =>
  new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(app.url);
    get({ hostname, port, path, headers: { host, accept: 'text/html' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });

const api = async <T>(path: string, init?: RequestInit) => {
  const response = await fetch(`${app.url}/console/api/${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
};

/**
 * Without Debian's chromium the console's browser tests cannot run (no browser is ever downloaded). CI
 * installs it (.ci/run), so there its absence fails; elsewhere the suite is skipped, but says so.
 */
it('has Debian’s chromium to run the console’s browser tests in', (context) => {
  if (existsSync(CHROMIUM)) return;
  const why = `${CHROMIUM} is missing: the console's browser tests are skipped (apt-get install chromium)`;
  if (process.env.CI) throw new Error(why);
  console.warn(why);
  context.skip(why);
});

describe.skipIf(!existsSync(CHROMIUM))('the local console', () => {
  beforeAll(async () => {
    app = await startLocalApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    page.on('pageerror', (error) => browserErrors.push(error.message));
    // The live view is open before the orders exist: what it shows of them came through the event stream.
    await page.goto(`${app.url}/console#/events?detailType=OrderPlaced`);
    await page.waitForSelector('.badge.ok', { timeout: 15_000 });
    mapBefore = (await api<MapAnswer>('map')).body;
    const dlqName = physicalName(app, 'Orders', 'OrderViewRule/DeadLetterQueue');
    deadLetterQueue = (await api<{ queues: QueueRow[] }>('queues')).body.queues.find(
      (q) => q.name === dlqName,
    )!;
    const bus = app.plugins.eventBridge.service!;
    const context = { region: app.region, accountId: app.accountId };
    await bus.handle(
      'PutRule',
      {
        Name: UNREACHABLE_RULE,
        EventBusName: 'commerceforge-dev',
        EventPattern: JSON.stringify({ 'detail-type': ['OrderPlaced'] }),
      },
      context,
    );
    await bus.handle(
      'PutTargets',
      {
        Rule: UNREACHABLE_RULE,
        EventBusName: 'commerceforge-dev',
        Targets: [
          {
            Id: 'inbox',
            Arn: `arn:aws:sqs:${app.region}:${app.accountId}:${INBOX}`,
            DeadLetterConfig: { Arn: deadLetterQueue.arn },
            // No retry: the first failure dead-letters. (AWS dead-letters a missing target at once; the local
            // EventBridge still takes a missing queue for a passing failure and would retry it for a day.)
            RetryPolicy: { MaximumRetryAttempts: 0 },
          },
        ],
      },
      context,
    );

    const sku = await firstSku(app.url);
    const ids = [await placeOrder(app.url, 'tok_visa', sku), await placeOrder(app.url, 'tok_decline', sku)];
    const done = await eventually(async () => {
      const { body } = await api<{ executions: ExecutionRow[] }>('executions');
      const ours = body.executions.filter((e) => ids.includes(e.name) && e.status !== 'RUNNING');
      return ours.length === 2 ? ours : undefined;
    }, 90_000);
    confirmed = done.find((e) => e.name === ids[0])!;
    cancelled = done.find((e) => e.name === ids[1])!;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('showed each OrderPlaced live with its correlation id', async () => {
    for (const saga of [confirmed, cancelled]) {
      expect(saga.correlationId).toBeTruthy();
      const row = page.locator(`[data-testid=event-row][data-correlation-id="${saga.correlationId}"]`);
      await row.first().waitFor({ timeout: 15_000 });
      expect(await row.first().getAttribute('data-detail-type')).toBe('OrderPlaced');
    }
    // Only OrderPlaced passes the filter.
    const types = await page
      .locator('[data-testid=event-row]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-detail-type')));
    expect(new Set(types)).toEqual(new Set(['OrderPlaced']));
    // The envelope and the deliveries of one event, on click.
    await page
      .locator(`[data-testid=event-row][data-correlation-id="${cancelled.correlationId}"]`)
      .first()
      .click();
    await page.waitForSelector('[data-testid=event-detail]');
    const detail = await page.locator('main').textContent();
    expect(detail).toContain(cancelled.correlationId!);
    expect(detail).toMatch(/delivered/);
    // The test's rule could not reach its target: that delivery went to its dead-letter queue, linked.
    const deadLettered = page.locator('[data-testid=delivery][data-status=dead-lettered]');
    await deadLettered.first().waitFor({ timeout: 15_000 });
    expect(await deadLettered.count()).toBe(1);
    expect(await deadLettered.textContent()).toContain(UNREACHABLE_RULE);
    expect(await deadLettered.locator('a[href="#/dlq"]').textContent()).toBe(deadLetterQueue.name);
  });

  it('lists both sagas, the cancelled one compensated', async () => {
    await page.goto(`${app.url}/console#/sagas`);
    for (const saga of [confirmed, cancelled])
      await page.waitForSelector(`[data-testid=saga-row][data-name="${saga.name}"]`, { timeout: 15_000 });
    expect(
      await page.getAttribute(`[data-testid=saga-row][data-name="${cancelled.name}"]`, 'data-compensated'),
    ).toBe('true');
    expect(
      await page.getAttribute(`[data-testid=saga-row][data-name="${confirmed.name}"]`, 'data-compensated'),
    ).toBe('false');
  });

  it('draws the cancelled saga with its failed step and its compensations', async () => {
    await page.click(`[data-testid=saga-row][data-name="${cancelled.name}"]`);
    await page.waitForSelector('[data-testid=state][data-status=failed]', { timeout: 15_000 });
    const states = await page
      .locator('[data-testid=state]')
      .evaluateAll((nodes) =>
        nodes.map((node) => [node.getAttribute('data-name'), node.getAttribute('data-status')]),
      );
    const byStatus = (status: string) => states.filter(([, s]) => s === status).map(([name]) => name);
    expect(byStatus('failed')).toEqual(['ChargePayment']);
    expect(byStatus('compensation')).toEqual(
      expect.arrayContaining(['Undo ReserveStock', 'Undo PlanFulfillment']),
    );
    expect(byStatus('succeeded')).toEqual(expect.arrayContaining(['PlanFulfillment', 'ReserveStock']));
    expect(byStatus('not-run')).toEqual(expect.arrayContaining(['CreateShipment', 'ConfirmOrder']));
  });

  it('opens the order’s trace from the saga', async () => {
    await page.click('[data-testid=saga-trace-link]');
    await page.waitForSelector('[data-testid=waterfall]', { timeout: 15_000 });
    expect(page.url()).toContain(encodeURIComponent(cancelled.correlationId!));
    const kinds = await page
      .locator('[data-testid=span]')
      .evaluateAll((spans) => spans.map((span) => span.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['execution', 'state', 'event', 'delivery']));
    expect(await page.locator('[data-testid=waterfall]').textContent()).toContain('OrderPlaced');
  });

  it('maps the services from the templates, with counts that grew as the orders passed', async () => {
    const { body: map } = await api<MapAnswer>('map');
    const node = (stack: string, label: string) => {
      const found = map.nodes.find((n) => n.stack === `${STACK}${stack}` && n.label === label);
      expect(found, `${stack}/${label}`).toBeDefined();
      return found!;
    };
    const edge = (kind: string, from: { id: string }, to: { id: string }) =>
      map.edges.find((e) => e.kind === kind && e.from === from.id && e.to === to.id);
    expect(new Set(map.nodes.map((n) => n.stack.slice(STACK.length)))).toEqual(
      new Set([
        ...['Platform', 'Sandbox', 'Users', 'Inventory', 'Payments', 'Orders', 'Shipping', 'Notifications'],
        ...['Analytics', 'Reviews', 'Security', 'Sagas', 'Api', 'Operations', 'Chaos'],
      ]),
    );
    for (const service of ['Users', 'Inventory', 'Payments', 'Orders', 'Shipping', 'Reviews', 'Security'])
      expect(node(service, 'Commands').kind).toBe('function');
    expect(node('Orders', 'OrderView').kind).toBe('table');
    expect(node('Orders', 'EventStore').kind).toBe('table');
    const bus = node('Platform', 'DomainEvents/Bus');
    expect(bus.kind).toBe('bus');

    // The saga: started by its OrderPlaced rule (with a DLQ), invoking the planner and the services' commands.
    const saga = node('Sagas', 'OrderFulfillment/StateMachine');
    expect(saga.kind).toBe('stateMachine');
    const starter = node('Sagas', 'OrderFulfillment/Starter');
    const start = edge('rule', bus, starter);
    expect(start?.label).toMatch(/OrderFulfillmentStart/);
    expect(
      edge('dlq', starter, node('Sagas', 'OrderFulfillment/StartOnOrderPlaced/DeadLetterQueue')),
    ).toBeDefined();
    expect(edge('task', saga, node('Sagas', 'PlanFulfillment'))).toBeDefined();
    for (const service of ['Inventory', 'Payments', 'Shipping', 'Orders'])
      expect(edge('task', saga, node(service, 'Commands')), service).toBeDefined();
    // A read model: the bus's rule to orders' projector queue, the queue to its function, the function to its table.
    const queue = node('Orders', 'ProjectorQueue');
    const projector = node('Orders', 'Projector');
    expect(
      map.edges.some(
        (e) => e.kind === 'rule' && e.from === bus.id && e.to === queue.id && /OrderView/.test(e.label!),
      ),
    ).toBe(true);
    const projection = edge('mapping', queue, projector);
    expect(projection).toBeDefined();
    expect(edge('uses', projector, node('Orders', 'OrderView'))).toBeDefined();
    // The outbox: the event store's stream to its relay, which names the bus.
    const relayFn = node('Orders', 'EventStore/Relay');
    const relay = edge('mapping', node('Orders', 'EventStore'), relayFn);
    expect(relay).toBeDefined();
    expect(edge('uses', relayFn, bus)).toBeDefined();

    // Two OrderPlaced went to the saga's starter, two executions ran, orders' relay and projector worked.
    const count = (counts: MapCounts, id: string) => counts.edges[id] ?? counts.nodes[id] ?? 0;
    expect(count(map.counts, start!.id)).toBe(count(mapBefore.counts, start!.id) + 2);
    expect(count(map.counts, saga.id)).toBe(count(mapBefore.counts, saga.id) + 2);
    expect(count(map.counts, relay!.id)).toBeGreaterThan(count(mapBefore.counts, relay!.id));
    expect(count(map.counts, projection!.id)).toBeGreaterThan(count(mapBefore.counts, projection!.id));

    // The page shows the saga stack's boxes with those numbers.
    await page.goto(`${app.url}/console#/map?stack=${STACK}Sagas`);
    const box = page.locator(`[data-testid=node][data-name="${saga.id}"] text.muted`);
    await box.waitFor({ timeout: 15_000 });
    expect(await box.textContent()).toBe(String(count(map.counts, saga.id)));
  });

  it('lists the dead-lettered OrderPlaced events and sends them back with the Redrive button', async () => {
    const { body } = await api<{ events: { correlationId?: string; deliveries: unknown[] }[] }>(
      'events?detailType=OrderPlaced',
    );
    for (const saga of [confirmed, cancelled])
      expect(body.events.find((e) => e.correlationId === saga.correlationId)?.deliveries).toContainEqual(
        expect.objectContaining({
          rule: UNREACHABLE_RULE,
          status: 'dead-lettered',
          deadLetterArn: deadLetterQueue.arn,
          errorMessage: expect.stringContaining(`does not exist: arn:aws:sqs:${app.region}`),
        }),
      );

    await page.goto(`${app.url}/console#/dlq`);
    const row = page.locator(`[data-testid=dlq-row][data-name="${deadLetterQueue.name}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-messages')).toBe('2');
    await row.click();
    const messages = page.locator('[data-testid=dlq-message]');
    await expect.poll(() => messages.count(), { timeout: 15_000 }).toBe(2);
    const texts = (await messages.allTextContents()).join('\n');
    for (const saga of [confirmed, cancelled]) expect(texts).toContain(saga.correlationId!);
    expect(texts).toContain(`rule/commerceforge-dev/${UNREACHABLE_RULE}`);
    expect(texts).toContain(`queue does not exist: arn:aws:sqs:${app.region}:${app.accountId}:${INBOX}`);

    // Fixed: the target exists now. The redrive sends each event back through its rule, which delivers it.
    app.sqs.create(INBOX);
    await row.locator('[data-testid=redrive]').click();
    const result = page.locator('[data-testid=redrive-result]');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toBe(`2 message(s) sent back to ${UNREACHABLE_RULE}`);
    const delivered = await eventually(() => {
      const inbox = app.sqs.get(INBOX).messages;
      return inbox.length === 2 ? inbox : undefined;
    });
    expect(
      new Set(
        delivered.map(
          (m) => (JSON.parse(m.body) as { detail: { correlationId: string } }).detail.correlationId,
        ),
      ),
    ).toEqual(new Set([confirmed.correlationId, cancelled.correlationId]));
    await expect.poll(() => row.getAttribute('data-messages'), { timeout: 15_000 }).toBe('0');
  });

  it('shows the alarms, a circuit breaker’s state and a read model’s items', async () => {
    // The payment provider's breaker opens as the breaker itself records it: its store, on the table the
    // templates grant it (every payment of the test is done by now).
    const { body: breakers } = await api<{ table: string | null }>('circuit-breakers');
    expect(breakers.table).toBeTruthy();
    const dynamodb = new DynamoDBClient({
      endpoint: app.url,
      region: app.region,
      credentials: { accessKeyId: 'console-e2e', secretAccessKey: 'local' },
    });
    const now = Date.now();
    const opened = await dynamoCircuitStore({ tableName: breakers.table!, client: documentClient(dynamodb) })
      .transition(
        {
          name: 'payment-provider',
          state: 'OPEN',
          version: 1,
          failureCount: 5,
          openedAt: now,
          nextAttemptAt: now + 60_000,
          halfOpenSuccesses: 0,
          updatedAt: now,
        },
        0,
      )
      .finally(() => dynamodb.destroy());
    expect(opened).toBe(true);

    await page.goto(`${app.url}/console#/ops`);
    const alarm = physicalName(app, 'Orders', 'OrderViewRule/DeadLettersAlarm');
    await page.waitForSelector(`[data-testid=alarm][data-name="${alarm}"]`, { timeout: 15_000 });
    const breaker = page.locator('[data-testid=breaker][data-name="payment-provider"]');
    await breaker.waitFor({ timeout: 15_000 });
    expect(await breaker.getAttribute('data-state')).toBe('OPEN');
    expect(await breaker.textContent()).toContain('failureCount: 5');

    const orderView = physicalName(app, 'Orders', 'OrderView');
    await page.goto(`${app.url}/console#/tables`);
    await page.click(`a[href="#/tables/${orderView}"]`);
    for (const saga of [confirmed, cancelled])
      await page.locator('[data-testid=item]', { hasText: saga.name }).first().waitFor({ timeout: 15_000 });
    const cancelledRow = await page.locator('[data-testid=item]', { hasText: cancelled.name }).textContent();
    expect(cancelledRow).toContain('CANCELLED');
    expect(cancelledRow).toContain('ChargePayment failed: PaymentDeclinedError');
  });

  it('serves the console at / to a browser, and / stays the AWS endpoint’s otherwise', async () => {
    const consolePage = await (await fetch(`${app.url}/console`)).text();
    const root = await fetch(`${app.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await root.text()).toBe(consolePage);
    expect(await (await fetch(`${app.url}/`, { headers: { accept: 'application/json' } })).text()).not.toBe(
      consolePage,
    );
    await page.goto(`${app.url}/#/sagas`);
    await page.waitForSelector(`[data-testid=saga-row][data-name="${confirmed.name}"]`, { timeout: 15_000 });
  });

  it('opens the other panels without an error in the browser', async () => {
    for (const hash of ['#/map', '#/dlq', '#/ops', '#/tables']) {
      await page.goto(`${app.url}/console${hash}`);
      await page.waitForSelector('h2', { timeout: 15_000 });
    }
    await page.goto(`${app.url}/console#/map`);
    await page.waitForSelector('.graph svg [data-testid=node]', { timeout: 15_000 });
    await page.waitForTimeout(500);
    expect(browserErrors).toEqual([]);
  });

  it('answers localhost only, and takes a redrive from its own page only', async () => {
    // fetch sets Host itself: a DNS-rebinding page's request, as it arrives, needs a plain HTTP request.
    expect(await statusWithHost('/console/api/executions', 'attacker.example')).toBe(403);
    expect(await statusWithHost('/console', 'attacker.example:4566')).toBe(403);
    const { body } = await api<{ queues: QueueRow[] }>('queues');
    // An empty one: the redrive from the console's own page below moves nothing.
    const queue = body.queues.find((q) => q.visible + q.inFlight + q.delayed === 0)!.name;
    const path = `queues/${encodeURIComponent(queue)}/redrive`;
    const crossSite = await api<{ error: { code: string } }>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: '{}',
    });
    expect(crossSite).toMatchObject({ status: 403, body: { error: { code: 'CROSS_ORIGIN' } } });
    const form = await api<{ error: { code: string } }>(path, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: new URL(app.url).origin },
      body: '{}',
    });
    expect(form).toMatchObject({ status: 403, body: { error: { code: 'NOT_JSON' } } });
    const own = await api<{ moved: number }>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(app.url).origin },
      body: '{}',
    });
    expect(own).toMatchObject({ status: 200, body: { moved: 0 } });
  });
});
