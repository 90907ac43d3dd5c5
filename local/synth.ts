/**
 * Keeps cdk.out current: `cdk synth` runs when the assembly is missing or older than the app's sources, so
 * `npm start` always runs what the code says.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LocalCloudError } from './core/errors.js';

const SOURCE_FOLDERS = ['bin', 'lib', 'functions', 'statemachines'];
const SOURCE_FILES = ['cdk.json', 'package.json'];

export function assemblyIsStale(projectRoot: string, assemblyDir: string): boolean {
  const manifest = path.join(assemblyDir, 'manifest.json');
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  const newest = Math.max(
    ...SOURCE_FOLDERS.map((folder) => newestMtime(path.join(projectRoot, folder))),
    ...SOURCE_FILES.map((file) => newestMtime(path.join(projectRoot, file))),
  );
  return newest > built;
}

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'cdk.out' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

export function synthesize(projectRoot: string, assemblyDir: string): void {
  const cdk = path.join(projectRoot, 'node_modules', '.bin', 'cdk');
  const command = existsSync(cdk) ? cdk : 'npx';
  const args = [...(existsSync(cdk) ? [] : ['cdk']), 'synth', '--quiet', '--output', assemblyDir];
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new LocalCloudError(
      'SYNTH_FAILED',
      `cdk synth failed (exit ${result.status ?? result.signal}): fix the app, or start with --app <cdk.out folder>`,
    );
  }
}
