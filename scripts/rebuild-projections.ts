/**
 * Replays a service's event store into fresh read models.
 *
 *   npm run rebuild-projections -- <service> --store <event store table> --table <projection>=<table> ...
 *
 * The service's projections come from `functions/<service>/projections.ts` (`export const projections`), or
 * else are found among the exports of `functions/<service>/read-model/*.ts`. Table names come from the flags, else from the environment:
 * EVENT_STORE_TABLE_NAME and READ_MODEL_TABLE_<PROJECTION> (`product-stock` → READ_MODEL_TABLE_PRODUCT_STOCK).
 * Each table is cleared, then filled; `--keep` skips the clearing (a table created fresh for the rebuild).
 * The AWS SDK reads AWS_ENDPOINT_URL, so against the local cloud:
 *
 *   AWS_ENDPOINT_URL=http://localhost:4566 npm run rebuild-projections -- inventory --store ... --table ...
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type RebuildResult, rebuildProjection } from '../functions/kernel/projection/rebuild.js';
import type { Projection } from '../functions/kernel/projection/view.js';
import { documentClient, EVENT_STORE_TABLE_ENV } from '../functions/kernel/store/environment.js';
import { createEventStore } from '../functions/kernel/store/event-store.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: a registry holds projections of any view type.
type AnyProjection = Projection<any>;

export interface RebuildProjectionsOptions {
  readonly service: string;
  /** @default the `projections` export of functions/<service>/projections.ts */
  readonly projections?: readonly AnyProjection[];
  readonly eventStoreTable: string;
  /** Projection name → the table to fill. A projection without a table is refused (nothing half-done). */
  readonly tables: Readonly<Record<string, string>>;
  /** Clear each table before filling it. @default true */
  readonly clear?: boolean;
  /** @default a document client from the environment (AWS_ENDPOINT_URL, region, credentials) */
  readonly client?: DynamoDBDocumentClient;
}

/** Rebuild every projection of a service from its event store. Callable from tests and other scripts. */
export async function rebuildProjections(
  options: RebuildProjectionsOptions,
): Promise<Record<string, RebuildResult>> {
  const projections = options.projections ?? (await loadProjections(options.service));
  const missing = projections.filter((p) => !options.tables[p.name]).map((p) => p.name);
  if (missing.length > 0) throw new Error(`no table given for projection(s): ${missing.join(', ')}`);
  const client = options.client ?? documentClient();
  const store = createEventStore({ client, tableName: options.eventStoreTable });
  const results: Record<string, RebuildResult> = {};
  for (const projection of projections) {
    results[projection.name] = await rebuildProjection({
      source: store,
      projection,
      client,
      tableName: options.tables[projection.name]!,
      clear: options.clear ?? true,
    });
  }
  return results;
}

/**
 * A service's projections: the `projections` export of functions/<service>/projections.ts when there is one,
 * else every exported Projection (an object with name, keyOf and project) of functions/<service>/read-model/.
 */
export async function loadProjections(service: string): Promise<readonly AnyProjection[]> {
  if (!/^[a-z][a-z0-9-]*$/.test(service)) throw new Error(`not a service name: ${service}`);
  const registry = path.join(ROOT, 'functions', service, 'projections.ts');
  if (existsSync(registry)) {
    const module = (await import(pathToFileURL(registry).href)) as { projections?: readonly AnyProjection[] };
    if (!Array.isArray(module.projections))
      throw new Error(`${path.relative(ROOT, registry)} exports no projections`);
    return module.projections;
  }
  const folder = path.join(ROOT, 'functions', service, 'read-model');
  const files = existsSync(folder)
    ? readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    : [];
  const found = new Map<string, AnyProjection>();
  for (const file of files.sort()) {
    const module = (await import(pathToFileURL(path.join(folder, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) if (isProjection(value)) found.set(value.name, value);
  }
  if (found.size === 0) {
    throw new Error(
      `no projections for ${service}: export them from functions/${service}/projections.ts (projections.ts not found) ` +
        `or from functions/${service}/read-model/`,
    );
  }
  return [...found.values()];
}

function isProjection(value: unknown): value is AnyProjection {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.name === 'string' && typeof p.keyOf === 'function' && typeof p.project === 'function';
}

export const tableEnvName = (projection: string) =>
  `READ_MODEL_TABLE_${projection.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

export interface CliArgs {
  readonly service: string;
  readonly store: string | undefined;
  readonly tables: Record<string, string>;
  readonly keep: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const [service, ...rest] = argv;
  if (!service || service.startsWith('-')) {
    throw new Error(
      'usage: rebuild-projections <service> [--store <table>] [--table <projection>=<table>]... [--keep]',
    );
  }
  let store: string | undefined;
  const tables: Record<string, string> = {};
  let keep = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--keep') keep = true;
    else if (arg === '--store') store = rest[++i];
    else if (arg === '--table') {
      const [name, table] = (rest[++i] ?? '').split('=');
      if (!name || !table) throw new Error('--table takes <projection>=<table>');
      tables[name] = table;
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { service, store, tables, keep };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const projections = await loadProjections(args.service);
  const tables = { ...args.tables };
  for (const p of projections) tables[p.name] ??= process.env[tableEnvName(p.name)] ?? '';
  const eventStoreTable = args.store ?? process.env[EVENT_STORE_TABLE_ENV];
  if (!eventStoreTable)
    throw new Error(`give the event store table: --store <table> or ${EVENT_STORE_TABLE_ENV}`);
  const results = await rebuildProjections({
    service: args.service,
    projections,
    eventStoreTable,
    tables,
    clear: !args.keep,
  });
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name}: ${r.events} events → ${r.views} views (${r.deleted} old items removed) in ${tables[name]}`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
