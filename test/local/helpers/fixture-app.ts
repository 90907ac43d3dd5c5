/**
 * Synthesizes test/fixtures/local-core-app once into a temp folder named after a hash of its sources, so
 * test files (and reruns) share one synth; a new folder appears when the fixture changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../fixtures/local-core-app/app.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/local-core-app/', import.meta.url));

export function synthesizeFixtureApp(): string {
  const target = path.join(tmpdir(), `commerceforge-local-core-app-${fixtureHash()}`);
  if (existsSync(path.join(target, 'manifest.json'))) return target;
  const staging = mkdtempSync(path.join(tmpdir(), 'commerceforge-local-core-synth-'));
  buildApp(staging).synth();
  try {
    renameSync(staging, target);
  } catch {
    // Another test file synthesized it first: use theirs.
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

function fixtureHash(): string {
  const hash = createHash('sha256');
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(FIXTURE);
  return hash.digest('hex').slice(0, 16);
}
