import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const domainDir = fileURLToPath(new URL('../../functions/users/domain', import.meta.url));
const files = (readdirSync(domainDir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) =>
  f.endsWith('.ts'),
);
const source = (file: string) => readFileSync(join(domainDir, file), 'utf8');

describe('the users domain is pure', () => {
  it('has files to check', () => {
    expect(files).toContain('index.ts');
  });

  it.each(files)('%s imports no AWS SDK, Powertools, Node built-in or impure kernel module', (file) => {
    const imports = [...source(file).matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    const forbidden = imports.filter((s) =>
      /^(@aws-sdk\/|@aws-lambda-powertools\/|node:|aws-lambda$)|kernel\/(runtime|publisher|observability|store)/.test(
        s,
      ),
    );
    expect(forbidden).toEqual([]);
  });

  it.each(files)('%s reads no clock and no random source', (file) => {
    expect(source(file)).not.toMatch(/new Date\(|Date\.now\(|Math\.random\(|randomUUID/);
  });

  it.each(files)('%s imports zod as a namespace', (file) => {
    expect(source(file)).not.toMatch(/^import \{ z \} from 'zod'/m);
  });
});
