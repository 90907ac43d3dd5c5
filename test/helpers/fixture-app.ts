/** Synthesizes test/fixtures/local-core-app once per content of its sources (test/helpers/synth-once.ts). */
import { fileURLToPath } from 'node:url';
import { buildApp } from '../fixtures/local-core-app/app.js';
import { synthesizeOnce } from './synth-once.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/local-core-app/', import.meta.url));

export function synthesizeFixtureApp(): string {
  return synthesizeOnce({
    name: 'local-core-app',
    sources: [FIXTURE],
    synth: (outdir) => buildApp(outdir).synth(),
  });
}
