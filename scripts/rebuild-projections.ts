/**
 * Replays a service's event store into fresh read models.
 *
 *   npm run rebuild-projections -- <service> --store <event store table> [--source <service>=<store table>]...
 *                                  --table <projection>=<table> ...
 *
 * The service's read models come from `functions/<service>/projections.ts` (`export const readModels`, the
 * list its projector keeps: each projection with the variable its table's name arrives in, and
 * `export const sources`: the services whose event stores feed them, e.g. orders' PriceList is fed by
 * inventory's events; the service's own store when absent). Table names come from the flags, else from the
 * environment: EVENT_STORE_TABLE_NAME (the service's own store), EVENT_STORE_TABLE_<SERVICE> (another
 * service's) and each read model's own variable, the one its stack sets on the projector (OrderView:
 * ORDER_VIEW_TABLE). Every store is read in full and every projection is
 * fed all of it (a projection's `keyOf` skips what does not concern it); progress goes to stdout.
 * `--from-archive <archive> --rule <rule>...` rebuilds from the bus archive instead (see replay-archive.ts).
 * Each table is cleared, then filled; `--keep` skips the clearing (a table created fresh for the rebuild).
 * The AWS SDK reads AWS_ENDPOINT_URL, so against the local cloud:
 *
 *   AWS_ENDPOINT_URL=http://localhost:4566 npm run rebuild-projections -- inventory --store ... --table ...
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../functions/kernel/events/catalogue.js';
import { type RebuildResult, rebuildProjection } from '../functions/kernel/projection/dynamodb.js';
import type { Projection } from '../functions/kernel/projection/index.js';
import {
  createEventStore,
  documentClient,
  EVENT_STORE_TABLE_ENV,
} from '../functions/kernel/store/dynamodb.js';
import { rebuildFromArchive } from './replay-archive.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: a registry holds projections of any view type.
type AnyProjection = Projection<any>;

export interface RebuildProjectionsOptions {
  readonly service: string;
  /** @default the `projections` export of functions/<service>/projections.ts */
  readonly projections?: readonly AnyProjection[];
  /** The services whose stores feed the projections. @default the registry's `sources`, else [service] */
  readonly sources?: readonly string[];
  /** The service's own event store. */
  readonly eventStoreTable?: string;
  /** Other services' event stores, by service. A source without a table is refused (nothing half-done). */
  readonly storeTables?: Readonly<Record<string, string>>;
  /** Where progress lines go. @default nowhere */
  readonly progress?: (line: string) => void;
  /** Projection name → the table to fill. A projection without a table is refused (nothing half-done). */
  readonly tables: Readonly<Record<string, string>>;
  /** Clear each table before filling it. @default true */
  readonly clear?: boolean;
  /** @default a document client from the environment (AWS_ENDPOINT_URL, region, credentials) */
  readonly client?: DynamoDBDocumentClient;
}

/** Rebuild every projection of a service from the event stores that feed it. Callable from tests and scripts. */
export async function rebuildProjections(
  options: RebuildProjectionsOptions,
): Promise<Record<string, RebuildResult>> {
  const registry = options.projections ? undefined : await loadRegistry(options.service);
  const projections = options.projections ?? registry?.projections ?? [];
  const sources = options.sources ?? registry?.sources ?? [options.service];
  const progress = options.progress ?? (() => {});
  const missing = projections.filter((p) => !options.tables[p.name]).map((p) => p.name);
  if (missing.length > 0) throw new Error(`no table given for projection(s): ${missing.join(', ')}`);
  const storeOf = (source: string) =>
    options.storeTables?.[source] ?? (source === options.service ? options.eventStoreTable : undefined);
  const noStore = sources.filter((source) => !storeOf(source));
  if (noStore.length > 0) {
    throw new Error(
      `no event store table given for ${noStore.join(', ')}: --source <service>=<table> or ${noStore
        .map(storeEnvName)
        .join(', ')}`,
    );
  }
  const client = options.client ?? documentClient();
  const stores = sources.map((source) => ({
    source,
    store: createEventStore({ client, tableName: storeOf(source)! }),
  }));
  // Read once, replayed into each projection: every store in full, with a line every 1000 events.
  const events: DomainEvent[] = [];
  for (const { source, store } of stores) {
    let count = 0;
    for await (const event of store.readAll()) {
      events.push(event);
      if (++count % 1000 === 0) progress(`  ${source}: ${count} events read`);
    }
    progress(`${source} store: ${count} events`);
  }
  const replay = {
    readAll: async function* () {
      yield* events;
    },
  };
  const results: Record<string, RebuildResult> = {};
  for (const [i, projection] of projections.entries()) {
    progress(`[${i + 1}/${projections.length}] ${projection.name} → ${options.tables[projection.name]}`);
    results[projection.name] = await rebuildProjection({
      source: replay,
      projection,
      client,
      tableName: options.tables[projection.name]!,
      clear: options.clear ?? true,
    });
  }
  return results;
}

export const storeEnvName = (service: string) =>
  `EVENT_STORE_TABLE_${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/** A service's registry, `functions/<service>/projections.ts`. */
export interface Registry {
  readonly projections: readonly AnyProjection[];
  /** The services whose event stores feed the projections. */
  readonly sources: readonly string[];
  /** Projection name → the environment variable its table's name arrives in, the one its projector reads. */
  readonly tableEnvs: Readonly<Record<string, string>>;
}

/**
 * A service's read models from its registry, functions/<service>/projections.ts: `readModels`, each a
 * projection and the variable its table's name arrives in (the list the service's projector keeps), and
 * `sources`, the services whose stores feed them (default: the service itself).
 */
export async function loadRegistry(service: string): Promise<Registry> {
  if (!/^[a-z][a-z0-9-]*$/.test(service)) throw new Error(`not a service name: ${service}`);
  const registry = path.join(ROOT, 'functions', service, 'projections.ts');
  if (!existsSync(registry)) {
    throw new Error(
      `no projections for ${service}: functions/${service}/projections.ts not found (export readModels from it)`,
    );
  }
  const module = (await import(pathToFileURL(registry).href)) as { readModels?: unknown; sources?: unknown };
  const bindings = Array.isArray(module.readModels) ? module.readModels.filter(isBinding) : [];
  if (bindings.length === 0) throw new Error(`${path.relative(ROOT, registry)} exports no readModels`);
  const sources = module.sources ?? [service];
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string' && /^[a-z][a-z0-9-]*$/.test(s)))
    throw new Error(`${path.relative(ROOT, registry)}: sources must be service names`);
  return {
    projections: bindings.map((b) => b.projection),
    sources,
    tableEnvs: Object.fromEntries(bindings.map((b) => [b.projection.name, b.tableEnv])),
  };
}

function isBinding(value: unknown): value is { projection: AnyProjection; tableEnv: string } {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  return isProjection(b.projection) && typeof b.tableEnv === 'string';
}

function isProjection(value: unknown): value is AnyProjection {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.name === 'string' && typeof p.keyOf === 'function' && typeof p.project === 'function';
}

export interface CliArgs {
  readonly service: string;
  readonly store: string | undefined;
  /** `--source <service>=<table>`: another service's event store. */
  readonly sources: Record<string, string>;
  /** `--from-archive <archive>` with `--rule <name>`...: replay the bus archive to the projector's rules. */
  readonly fromArchive?: string;
  readonly rules?: string[];
  readonly tables: Record<string, string>;
  readonly keep: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const [service, ...rest] = argv;
  if (!service || service.startsWith('-')) {
    throw new Error(
      'usage: rebuild-projections <service> [--store <table>] [--source <service>=<table>]... ' +
        '[--from-archive <archive> --rule <rule>...] [--table <projection>=<table>]... [--keep]',
    );
  }
  let store: string | undefined;
  const tables: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const rules: string[] = [];
  let fromArchive: string | undefined;
  let keep = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--keep') keep = true;
    else if (arg === '--store') store = rest[++i];
    else if (arg === '--table') {
      const [name, table] = (rest[++i] ?? '').split('=');
      if (!name || !table) throw new Error('--table takes <projection>=<table>');
      tables[name] = table;
    } else if (arg === '--from-archive') fromArchive = rest[++i];
    else if (arg === '--rule') rules.push(rest[++i] ?? '');
    else if (arg === '--source') {
      const [name, table] = (rest[++i] ?? '').split('=');
      if (!name || !table) throw new Error('--source takes <service>=<event store table>');
      sources[name] = table;
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (rules.some((r) => !r) || (fromArchive !== undefined && !fromArchive))
    throw new Error('--from-archive and --rule take a name');
  return {
    service,
    store,
    sources,
    tables,
    keep,
    ...(fromArchive ? { fromArchive } : {}),
    ...(rules.length ? { rules } : {}),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { projections, sources, tableEnvs } = await loadRegistry(args.service);
  const tables = { ...args.tables };
  for (const p of projections) tables[p.name] ??= process.env[tableEnvs[p.name] ?? ''] ?? '';
  if (args.fromArchive) {
    const missing = projections.filter((p) => !tables[p.name]).map((p) => p.name);
    if (missing.length > 0) throw new Error(`no table given for projection(s): ${missing.join(', ')}`);
    await rebuildFromArchive({
      service: args.service,
      archive: args.fromArchive,
      rules: args.rules ?? [],
      tables: Object.fromEntries(projections.map((p) => [tables[p.name]!, p.keyAttribute ?? 'id'])),
      clear: !args.keep,
      ddb: documentClient(),
      progress: (line) => console.log(line),
    });
    return;
  }
  const storeTables: Record<string, string> = { ...args.sources };
  for (const source of sources) {
    const own = source === args.service ? (args.store ?? process.env[EVENT_STORE_TABLE_ENV]) : undefined;
    const table = storeTables[source] ?? own ?? process.env[storeEnvName(source)];
    if (table) storeTables[source] = table;
  }
  const results = await rebuildProjections({
    service: args.service,
    projections,
    sources,
    storeTables,
    tables,
    clear: !args.keep,
    progress: (line) => console.log(line),
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
