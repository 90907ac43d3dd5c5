/** Synthesizes test/fixtures/local-part2-app once per content of its sources (test/helpers/synth-once.ts). */
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../fixtures/local-part2-app/app.js';
import { synthesizeOnce } from '../../helpers/synth-once.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/local-part2-app/', import.meta.url));

export function synthesizePart2App(): string {
  return synthesizeOnce({
    name: 'local-part2-app',
    sources: [FIXTURE],
    synth: (outdir) => buildApp(outdir).synth(),
  });
}
