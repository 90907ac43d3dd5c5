import * as z from '../zod.js';
import { type CatalogueEntry, catalogue } from './catalogue.js';
import { eventBridgeSource } from './envelope.js';

/**
 * JSON Schemas of the contract, generated from the zod schemas: one per (type, version), the whole envelope
 * with its typed `data`. They are committed under contracts/events (npm run schemas) and uploaded to the
 * EventBridge Schema Registry as `JSONSchemaDraft4` documents.
 *
 * - Target draft-04: the only JSON Schema dialect the registry accepts (besides OpenAPI 3). zod emits
 *   `$schema: http://json-schema.org/draft-04/schema#`, boolean `exclusiveMinimum` and `enum` for literals.
 * - `io: 'input'`: the schema describes what a producer must put on the bus. It also leaves out
 *   `additionalProperties: false`, so a consumer validating with an older schema still accepts events that
 *   carry a newer optional field (readers strip unknown keys too).
 */

/** The registry's schema-name rule, as CreateSchema documents it: at most 385 characters. */
export const SCHEMA_NAME_PATTERN = /^[.\-_A-Za-z0-9@]{1,385}$/;

/** e.g. `commerceforge.orders@OrderPlaced.v2`: `<EventBridge source>@<detail-type>.v<version>`. */
export function schemaNameFor(entry: Pick<CatalogueEntry, 'service' | 'type' | 'version'>): string {
  return `${eventBridgeSource(entry.service)}@${entry.type}.v${entry.version}`;
}

/** Path of the committed contract file, relative to the repository root. */
export function contractPathFor(entry: Pick<CatalogueEntry, 'service' | 'type' | 'version'>): string {
  return `contracts/events/${entry.service}/${entry.type}.v${entry.version}.schema.json`;
}

export interface EventJsonSchema {
  readonly service: CatalogueEntry['service'];
  readonly type: CatalogueEntry['type'];
  readonly version: number;
  readonly schemaName: string;
  readonly path: string;
  readonly content: Record<string, unknown>;
}

export function toEventJsonSchema(entry: CatalogueEntry): EventJsonSchema {
  const schemaName = schemaNameFor(entry);
  const generated = z.toJSONSchema(entry.schema, { target: 'draft-04', io: 'input' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  const content = {
    $schema,
    id: `https://commerceforge.dev/contracts/events/${entry.service}/${entry.type}.v${entry.version}.schema.json`,
    title: schemaName,
    description: `${entry.description}. EventBridge Source ${eventBridgeSource(entry.service)}, DetailType ${entry.type}; this is the event detail.`,
    ...rest,
  };
  return {
    service: entry.service,
    type: entry.type,
    version: entry.version,
    schemaName,
    path: contractPathFor(entry),
    content,
  };
}

/** One JSON Schema per (type, version) of the catalogue: what the platform stack registers. */
export function eventJsonSchemas(): EventJsonSchema[] {
  return catalogue.map(toEventJsonSchema);
}

/** Stable file text: two-space JSON with a final newline, so `npm run schemas` twice changes nothing. */
export function serializeSchema(content: object): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}
