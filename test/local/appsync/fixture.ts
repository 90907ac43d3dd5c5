/**
 * Synthesizes test/fixtures/local-appsync-app once per variant into a temp folder named after a hash of its
 * sources (the core tests' approach), so reruns share one synth.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../fixtures/local-appsync-app/app.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/local-appsync-app/', import.meta.url));

export function synthesizeAppSyncApp(variant: 'merged' | 'conflict' = 'merged'): string {
  const target = path.join(tmpdir(), `commerceforge-local-appsync-app-${variant}-${fixtureHash()}`);
  if (existsSync(path.join(target, 'manifest.json'))) return target;
  const staging = mkdtempSync(path.join(tmpdir(), 'commerceforge-local-appsync-synth-'));
  buildApp(staging, { conflict: variant === 'conflict' }).synth();
  try {
    renameSync(staging, target);
  } catch {
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
