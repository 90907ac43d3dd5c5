import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { OrderPlacedV2 } from '../../functions/kernel/events/catalogue/orders.js';
import { findEntry } from '../../functions/kernel/events/catalogue.js';
import { envelopeSchemaFor } from '../../functions/kernel/events/envelope.js';
import {
  eventJsonSchemas,
  SCHEMA_NAME_PATTERN,
  serializeSchema,
  toEventJsonSchema,
} from '../../functions/kernel/events/json-schema.js';
import {
  checkBackwardCompatible,
  formatIncompatibilities,
} from '../../functions/kernel/events/schema-compat.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const contractsDir = join(root, 'contracts/events');
const readJson = (path: string) =>
  JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;

describe('the compatibility checker', () => {
  const committed = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      total: { type: 'integer' },
      status: { type: 'string', enum: ['OPEN', 'CLOSED'] },
      note: { type: 'string' },
      lines: {
        type: 'array',
        items: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
      },
    },
    required: ['id', 'total', 'status', 'lines'],
  };
  const withChange = (change: (s: typeof committed) => void) => {
    const copy = structuredClone(committed);
    change(copy);
    return copy;
  };

  it('accepts an identical schema and one with a new optional property', () => {
    expect(checkBackwardCompatible(committed, committed)).toEqual([]);
    const added = withChange((s) => Object.assign(s.properties, { giftWrap: { type: 'boolean' } }));
    expect(checkBackwardCompatible(committed, added)).toEqual([]);
  });

  it('fails on a renamed property (the old name is gone)', () => {
    const renamed = withChange((s) => {
      const { id, ...rest } = s.properties;
      s.properties = { ...rest, orderId: id } as never;
      s.required = ['orderId', 'total', 'status', 'lines'];
    });
    expect(checkBackwardCompatible(committed, renamed)).toEqual(
      expect.arrayContaining([
        { path: 'id', kind: 'removed', detail: 'property removed or renamed' },
        { path: 'orderId', kind: 'newly-required', detail: 'new required property' },
      ]),
    );
  });

  it('fails on a retyped property, also nested in array items', () => {
    const retyped = withChange((s) => {
      s.properties.total = { type: 'string' } as never;
      s.properties.lines.items.properties.sku = { type: 'number' } as never;
    });
    expect(checkBackwardCompatible(committed, retyped)).toEqual([
      { path: 'total', kind: 'type-changed', detail: 'integer → string' },
      { path: 'lines.[].sku', kind: 'type-changed', detail: 'string → number' },
    ]);
  });

  it('fails on a new required property, a dropped requirement and a removed enum value', () => {
    const changed = withChange((s) => {
      Object.assign(s.properties, { currency: { type: 'string' } });
      s.required = ['id', 'total', 'lines', 'currency'];
      s.properties.status.enum = ['OPEN'];
    });
    expect(checkBackwardCompatible(committed, changed).map((f) => `${f.path}:${f.kind}`)).toEqual([
      'status:enum-value-removed',
      'status:no-longer-required',
      'currency:newly-required',
    ]);
  });

  it('catches a breaking edit of a real committed event (OrderPlaced v2): renamed and retyped fields', () => {
    const entry = findEntry('OrderPlaced', 2)!;
    const committedFile = readJson('contracts/events/orders/OrderPlaced.v2.schema.json');
    const { customerId: _, ...rest } = OrderPlacedV2.shape;
    const edited = z.object({ ...rest, buyerId: z.string(), total: z.string() });
    const generated = toEventJsonSchema({
      ...entry,
      schema: envelopeSchemaFor('OrderPlaced', 2, 'orders', edited),
    }).content;
    const found = checkBackwardCompatible(committedFile, generated);
    expect(found.map((f) => `${f.path}:${f.kind}`)).toEqual([
      'data.customerId:removed',
      'data.total:type-changed',
      'data.buyerId:newly-required',
    ]);
    expect(formatIncompatibilities('commerceforge.orders@OrderPlaced.v2', found)).toContain(
      'data.customerId: removed',
    );
  });
});

describe('the committed event contract (contracts/events)', () => {
  const generated = eventJsonSchemas();

  it.each(generated.map((s) => [s.schemaName, s] as const))('%s is backward compatible', (_name, schema) => {
    expect(existsSync(join(root, schema.path)), `${schema.path} is not committed: run npm run schemas`).toBe(
      true,
    );
    const found = checkBackwardCompatible(readJson(schema.path), schema.content);
    expect(found, formatIncompatibilities(schema.schemaName, found)).toEqual([]);
  });

  it('every committed (type, version) is still in the catalogue', () => {
    const known = new Set(generated.map((s) => s.path));
    const committed = (readdirSync(contractsDir, { recursive: true, encoding: 'utf8' }) as string[])
      .filter((f) => f.endsWith('.schema.json'))
      .map((f) => relative(root, join(contractsDir, f)));
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.filter((f) => !known.has(f))).toEqual([]);
  });

  it('the committed files are up to date (compatible changes still need npm run schemas)', () => {
    const stale = generated
      .filter((s) => existsSync(join(root, s.path)))
      .filter((s) => readFileSync(join(root, s.path), 'utf8') !== serializeSchema(s.content))
      .map((s) => s.path);
    expect(stale, 'run npm run schemas and commit contracts/').toEqual([]);
  });
});

describe('schemas for the EventBridge Schema Registry', () => {
  const schemas = eventJsonSchemas();

  it('are JSON Schema draft 4 documents of the whole envelope', () => {
    for (const s of schemas) {
      expect(s.content.$schema).toBe('http://json-schema.org/draft-04/schema#');
      expect(s.content.type).toBe('object');
      expect(Object.keys(s.content.properties as object)).toEqual(
        expect.arrayContaining([
          'eventId',
          'type',
          'version',
          'source',
          'correlationId',
          'traceparent',
          'data',
        ]),
      );
      // draft-04 has no `const` and a boolean exclusiveMinimum; zod's draft-04 target must honour that
      expect(JSON.stringify(s.content)).not.toContain('"const"');
    }
  });

  it('have unique names that EventBridge accepts, <source>@<DetailType>.v<N>', () => {
    const names = schemas.map((s) => s.schemaName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(SCHEMA_NAME_PATTERN);
    expect(names).toContain('commerceforge.orders@OrderPlaced.v1');
    expect(names).toContain('commerceforge.orders@OrderPlaced.v2');
  });
});
