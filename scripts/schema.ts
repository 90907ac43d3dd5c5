/**
 * Prints the Merged API's SDL on stdout (`npm run -s schema`): every service's `schema.graphql` merged with
 * the local AppSync's `mergeSchemas`, AppSync's merge rules. A conflict exits 1 naming the type and field.
 * Resolvers are not known here (they are in the CDK app), so "two resolvers on one field" is checked by the
 * local cloud at start-up and by the API stack's tests, not by this script.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mergeSchemas, SchemaMergeError } from '../local/appsync/merge.js';

/** The services that own a source API, in association order (the API stack uses the same list). */
export const SOURCE_API_SERVICES = [
  'users',
  'inventory',
  'orders',
  'payments',
  'reviews',
  'analytics',
  'operations',
] as const;

export function schemaPath(service: string): string {
  return fileURLToPath(new URL(`../functions/${service}/schema.graphql`, import.meta.url));
}

export function mergedSdl(): string {
  return mergeSchemas(
    SOURCE_API_SERVICES.map((service) => ({
      name: service,
      definition: readFileSync(schemaPath(service), 'utf8'),
      resolvers: [],
    })),
  ).sdl;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.stdout.write(`${mergedSdl()}\n`);
  } catch (error) {
    if (error instanceof SchemaMergeError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
