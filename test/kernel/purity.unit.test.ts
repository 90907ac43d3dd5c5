import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * An area's `index.ts` is its entry without the AWS SDK (its DynamoDB half is `dynamodb.ts`): read models import
 * it, and a handler that only needs the interfaces or the item layout (the outbox relay) must not load a
 * DynamoDB client. Followed through every relative import, as a bundler would.
 */
const kernelDir = fileURLToPath(new URL('../../functions/kernel', import.meta.url));
function packagesReachedFrom(entry: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // `import type` and `export type` are erased: they load nothing.
    const statements = readFileSync(file, 'utf8').matchAll(
      /^(?:import|export)\s+(type\s)?[^;]*?from '([^']+)'/gm,
    );
    for (const specifier of [...statements].filter((m) => !m[1]).map((m) => m[2]!)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(join(kernelDir, entry));
  return [...packages];
}

describe('the kernel areas have an entry without the AWS SDK', () => {
  it.each(['events/index.ts', 'store/index.ts', 'projection/index.ts'])(
    '%s reaches no AWS SDK through its imports',
    (entry) => {
      expect(packagesReachedFrom(entry).filter((p) => p.startsWith('@aws-sdk/'))).toEqual([]);
    },
  );

  it.each(['store/dynamodb.ts', 'projection/dynamodb.ts'])(
    '%s is the DynamoDB half (so the check can fail)',
    (entry) => {
      expect(packagesReachedFrom(entry)).toContain('@aws-sdk/lib-dynamodb');
    },
  );
});
