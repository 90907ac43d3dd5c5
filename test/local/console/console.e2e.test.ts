/**
 * The local console in headless Chromium (Debian's, through playwright-core) on the real app: with the live
 * events page open, two orders go through GraphQL (one confirmed, one declined and compensated); then the
 * console lists both sagas, the cancelled one's graph marks the failed step and its compensations, the live
 * view showed OrderPlaced with the order's correlation id as it passed, and the saga's trace link opens a
 * waterfall across Step Functions, EventBridge and Lambda — with no error in the browser's console. The API's
 * guards are checked on the same cloud: a foreign Host and a cross-site redrive are refused.
 */
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, firstSku, placeOrder } from '../../../scripts/console-screenshots.js';
import { eventually, type LocalApp, startLocalApp } from '../../helpers/local-app.js';

const CHROMIUM = '/usr/bin/chromium';

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
    const { body } = await api<{ queues: { name: string }[] }>('queues');
    const queue = body.queues[0]!.name;
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
