/**
 * Synthesizes test/fixtures/local-appsync-app once per variant and content of its sources
 * (test/helpers/synth-once.ts).
 */
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../fixtures/local-appsync-app/app.js';
import { synthesizeOnce } from '../../helpers/synth-once.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/local-appsync-app/', import.meta.url));

export function synthesizeAppSyncApp(variant: 'merged' | 'conflict' = 'merged'): string {
  return synthesizeOnce({
    name: `local-appsync-app-${variant}`,
    sources: [FIXTURE],
    synth: (outdir) => buildApp(outdir, { conflict: variant === 'conflict' }).synth(),
  });
}
