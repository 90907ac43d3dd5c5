/**
 * npm run schemas — write one JSON Schema per event (type, version) to contracts/events/<service>/.
 *
 * It refuses to overwrite a committed schema with a backward-incompatible one: a breaking change needs a new
 * version of the event (and an upcaster), not an edited contract. Files of (type, version)s that left the
 * catalogue are reported, never deleted: removing a version is a decision for a human and a reviewer.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas, serializeSchema } from '../functions/kernel/events/json-schema.js';
import {
  checkBackwardCompatible,
  formatIncompatibilities,
} from '../functions/kernel/events/schema-compat.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemas = eventJsonSchemas();
const problems: string[] = [];
let written = 0;
let unchanged = 0;

for (const schema of schemas) {
  const file = join(root, schema.path);
  const text = serializeSchema(schema.content);
  if (existsSync(file)) {
    const current = readFileSync(file, 'utf8');
    if (current === text) {
      unchanged++;
      continue;
    }
    const breaks = checkBackwardCompatible(JSON.parse(current), schema.content);
    if (breaks.length > 0) {
      problems.push(formatIncompatibilities(schema.schemaName, breaks));
      continue;
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  written++;
}

const known = new Set(schemas.map((s) => join(root, s.path)));
const contractsDir = join(root, 'contracts/events');
const orphans = existsSync(contractsDir)
  ? readdirSync(contractsDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.schema.json'))
      .map((f) => join(contractsDir, f))
      .filter((f) => !known.has(f))
  : [];

console.log(`${schemas.length} event schemas: ${written} written, ${unchanged} unchanged.`);
for (const orphan of orphans) {
  problems.push(`${relative(root, orphan)} has no (type, version) in the catalogue any more`);
}
if (problems.length > 0) {
  console.error(
    `\n${problems.join('\n\n')}\n\nAdd a new version of the event instead of changing a committed one.`,
  );
  process.exit(1);
}
