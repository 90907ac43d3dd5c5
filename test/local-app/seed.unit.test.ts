import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SeedProduct } from '../../functions/inventory/seed.js';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { LOCAL_ROLE_METADATA, LocalRole } from '../../lib/local-roles.js';
import type { LocalCloud } from '../../local/cloud.js';
import { seedPlugin } from '../../local-app/seed.js';

const products: SeedProduct[] = [
  { sku: 'A-1', name: 'A', price: 100, currency: 'USD', initialStock: 1 },
  { sku: 'B-2', name: 'B', price: 200, currency: 'USD', initialStock: 2 },
];

// DynamoDB's BatchGetItem, answering with whatever SKUs `inView` holds.
const inView = new Set<string>();
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = JSON.parse(body) as {
        RequestItems: Record<string, { Keys: { sku: { S: string } }[] }>;
      };
      const [table, { Keys }] = Object.entries(request.RequestItems)[0]!;
      const found = Keys.filter((k) => inView.has(k.sku.S));
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(JSON.stringify({ Responses: { [table]: found } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// Resources as the stacks mark them (lib/local-roles.ts); the orders function carries no role.
const resource = (type: string, role: string | undefined, name: string) => ({
  type,
  name,
  definition: { Type: type, Metadata: role ? { [LOCAL_ROLE_METADATA]: role } : {} },
});

function fakeCloud(options: { inventory: boolean; invoke: (name: string, payload: unknown) => unknown }) {
  const resources = options.inventory
    ? [
        resource('AWS::Lambda::Function', LocalRole.inventoryCommands, 'inv-commands'),
        resource('AWS::Lambda::Function', undefined, 'orders-commands'),
        resource('AWS::DynamoDB::Table', LocalRole.productView, 'product-view'),
      ]
    : [resource('AWS::Lambda::Function', undefined, 'hello')];
  const info = vi.fn();
  const warn = vi.fn();
  const invoke = vi.fn(async (name: string, payload: unknown) => options.invoke(name, payload));
  const cloud = {
    model: {
      resources: (type?: string) => resources.filter((r) => !type || r.type === type),
      identity: (r: { name: string }) => ({ name: r.name }),
    },
    lambda: { invoke },
    dynamodb: { endpoint, tables: [] },
    logger: { info, warn, output: vi.fn() },
  } as unknown as LocalCloud;
  return { cloud, invoke, info, warn };
}

const ok = { statusCode: 200, payload: { events: [], result: {} }, executedVersion: '1' };
const failed = (errorType: string, errorMessage: string) => ({
  statusCode: 200,
  payload: { errorType, errorMessage },
  functionError: 'Unhandled',
  executedVersion: '1',
});

describe('the seed plugin', () => {
  it('holds a realistic catalogue: 8 to 12 products, unique SKUs, one currency, in stock', () => {
    expect(seedCatalogue.length).toBeGreaterThanOrEqual(8);
    expect(seedCatalogue.length).toBeLessThanOrEqual(12);
    expect(new Set(seedCatalogue.map((p) => p.sku)).size).toBe(seedCatalogue.length);
    expect(new Set(seedCatalogue.map((p) => p.currency))).toEqual(new Set(['USD']));
    for (const p of seedCatalogue) {
      expect(Number.isInteger(p.price) && p.price > 0).toBe(true);
      expect(p.initialStock).toBeGreaterThan(0);
    }
  });

  it('adds each product through inventory Commands (live alias), skips SKUs already there, waits for ProductView', async () => {
    inView.clear();
    const { cloud, invoke, info } = fakeCloud({
      inventory: true,
      invoke: (_name, payload) => {
        const sku = (payload as { command: { data: { sku: string } } }).command.data.sku;
        // The projector gets there a little later.
        setTimeout(() => inView.add(sku), 30);
        return sku === 'B-2' ? failed('BusinessRuleError', 'product B-2 already exists') : ok;
      },
    });
    const plugin = seedPlugin({ catalogue: products });
    const started = Date.now();
    await plugin.start(cloud);
    expect(Date.now() - started).toBeLessThan(50); // start does not wait for the seed
    const outcome = await plugin.done;
    expect(outcome).toMatchObject({ added: ['A-1'], alreadyThere: ['B-2'] });
    expect(invoke.mock.calls.map(([name]) => name)).toEqual(['inv-commands:live', 'inv-commands:live']);
    expect(invoke.mock.calls[0]![1]).toMatchObject({
      command: { type: 'AddProduct', data: products[0] },
      actor: { type: 'system', id: 'local-seed' },
    });
    expect(info).toHaveBeenCalledWith(
      expect.stringMatching(/seed: 2 products in the catalogue \(1 added, 1 already there\)/),
    );
    expect(plugin.health?.()).toEqual({ state: 'seeded', products: 2 });
  });

  it('does nothing in an app without inventory', async () => {
    const { cloud, invoke, info } = fakeCloud({ inventory: false, invoke: () => ok });
    const plugin = seedPlugin({ catalogue: products });
    await plugin.start(cloud);
    expect(await plugin.done).toBeUndefined();
    expect(invoke).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });

  it('warns (and the cloud keeps running) when a product is refused for another reason', async () => {
    const { cloud, warn } = fakeCloud({
      inventory: true,
      invoke: () => failed('ValidationError', 'invalid price'),
    });
    const plugin = seedPlugin({ catalogue: products });
    await plugin.start(cloud);
    expect(await plugin.done).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('AddProduct A-1: ValidationError: invalid price'),
    );
    expect(plugin.health?.()).toMatchObject({ state: 'failed' });
  });

  it('gives up waiting for ProductView after its timeout, naming the missing SKUs', async () => {
    inView.clear();
    const { cloud, warn } = fakeCloud({ inventory: true, invoke: () => ok });
    const plugin = seedPlugin({ catalogue: products, timeoutMs: 200 });
    await plugin.start(cloud);
    expect(await plugin.done).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not in ProductView after 200 ms: A-1, B-2/));
  });
});
