/**
 * Synthesizes a CDK app once per content of its sources, into a temp folder named after their hash, so test
 * files and reruns share one synth and a changed source gets a new folder. Concurrent callers race on the
 * rename: the loser uses the winner's folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function synthesizeOnce(options: {
  /** Names the temp folder: `commerceforge-<name>-<hash>`. */
  readonly name: string;
  /** Files and folders whose content decides whether a synth is still good. */
  readonly sources: readonly string[];
  /** Synthesizes into `outdir`. */
  readonly synth: (outdir: string) => void;
  /**
   * The sources' hash, when taken earlier: at the time the app's modules were imported, so an edit made
   * while tests run cannot file the old code under the new hash.
   * @default hashOf(sources), now
   */
  readonly hash?: string;
}): string {
  const hash = options.hash ?? hashOf(options.sources);
  const target = path.join(tmpdir(), `commerceforge-${options.name}-${hash}`);
  if (existsSync(path.join(target, 'manifest.json'))) return target;
  const staging = mkdtempSync(path.join(tmpdir(), `commerceforge-${options.name}-synth-`));
  options.synth(staging);
  try {
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

export function hashOf(sources: readonly string[]): string {
  const hash = createHash('sha256');
  const walk = (full: string) => {
    if (!existsSync(full)) return;
    if (!statSync(full).isDirectory()) {
      hash.update(path.basename(full)).update(readFileSync(full));
      return;
    }
    for (const child of readdirSync(full).sort()) walk(path.join(full, child));
  };
  for (const source of sources) walk(source);
  return hash.digest('hex').slice(0, 16);
}
