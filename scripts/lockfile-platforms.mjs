// The registry this project is built against mirrors only Biome's Linux binaries, so `npm install` leaves the
// other platforms' optional packages out of package-lock.json, and `npm ci` then refuses the lockfile as out of
// sync. This adds the missing entries (optional, with os/cpu/libc, so npm skips them on other platforms).
// Run after an install that changes @biomejs/biome: node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const biome = lock.packages['node_modules/@biomejs/biome'];
const platforms = {
  'cli-win32-x64': { os: 'win32', cpu: 'x64' },
  'cli-win32-arm64': { os: 'win32', cpu: 'arm64' },
  'cli-darwin-x64': { os: 'darwin', cpu: 'x64' },
  'cli-darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'cli-linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'cli-linux-arm64': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'cli-linux-x64-musl': { os: 'linux', cpu: 'x64', libc: 'musl' },
  'cli-linux-arm64-musl': { os: 'linux', cpu: 'arm64', libc: 'musl' },
  'cli-android-x64': { os: 'android', cpu: 'x64' },
  'cli-android-arm64': { os: 'android', cpu: 'arm64' },
};
let added = 0;
for (const name of Object.keys(biome.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const platform = platforms[name.replace('@biomejs/', '')];
  if (!platform) throw new Error(`unknown Biome platform package ${name}`);
  lock.packages[key] = {
    version: biome.optionalDependencies[name],
    cpu: [platform.cpu],
    dev: true,
    ...(platform.libc ? { libc: [platform.libc] } : {}),
    license: 'MIT OR Apache-2.0',
    optional: true,
    os: [platform.os],
    engines: { node: '>=14.21.3' },
  };
  added++;
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entr${added === 1 ? 'y' : 'ies'} added`);
