import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const eventsDir = fileURLToPath(new URL('../../functions/kernel/events', import.meta.url));
const files = (readdirSync(eventsDir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) =>
  f.endsWith('.ts'),
);
const importsOf = (file: string) =>
  [...readFileSync(join(eventsDir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);

describe('the event contract is pure (domain code imports it)', () => {
  it.each(files)('%s imports no AWS SDK, Powertools or Node built-in', (file) => {
    const forbidden = importsOf(file).filter((s) =>
      /^(@aws-sdk\/|@aws-lambda-powertools\/|node:|aws-lambda$)/.test(s),
    );
    expect(forbidden).toEqual([]);
  });

  it.each(files)(
    '%s imports zod as a namespace (import { z } drags every zod locale, ~260 KB, into bundles)',
    (file) => {
      const source = readFileSync(join(eventsDir, file), 'utf8');
      expect(source).not.toMatch(/^import \{ z \} from 'zod'/m);
    },
  );
});
