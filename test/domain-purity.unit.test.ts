import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every service's `domain/` and `read-model/` are pure (STYLE.md): no AWS SDK, Powertools, Node built-in or
 * impure kernel module, no clock, no random source — time and ids come in through commands and events.
 */
const functionsDir = fileURLToPath(new URL('../functions', import.meta.url));
const pureFolders = readdirSync(functionsDir)
  .filter((service) => service !== 'kernel')
  .flatMap((service) => ['domain', 'read-model'].map((folder) => join(service, folder)))
  .filter((folder) => existsSync(join(functionsDir, folder)));
const filesOf = (folder: string) =>
  (readdirSync(join(functionsDir, folder), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
const source = (file: string) => readFileSync(join(functionsDir, file), 'utf8');
const files = pureFolders.flatMap(filesOf);

describe('the domains and read models are pure', () => {
  it('finds every service that has a domain', () => {
    for (const service of [
      'users',
      'inventory',
      'orders',
      'payments',
      'shipping',
      'notifications',
      'reviews',
    ]) {
      expect(pureFolders).toContain(join(service, 'domain'));
    }
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files)('%s imports no AWS SDK, Powertools, Node built-in or impure kernel module', (file) => {
    const imports = [...source(file).matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    const forbidden = imports.filter((s) =>
      /^(@aws-sdk\/|@aws-lambda-powertools\/|node:|aws-lambda$)|kernel\/(runtime|publisher|observability|store|service|idempotency|projection\/dynamodb)/.test(
        s,
      ),
    );
    expect(forbidden).toEqual([]);
  });

  it.each(files)('%s reads no clock and no random source', (file) => {
    expect(source(file)).not.toMatch(/new Date\(\)|Date\.now\(|Math\.random\(|randomUUID/);
  });

  it.each(files)('%s imports zod as a namespace', (file) => {
    expect(source(file)).not.toMatch(/^import \{ z \} from 'zod'/m);
  });
});
