/**
 * The layout's two rules that a reader cannot see in one file: no import cycle (type imports count: a type
 * cycle still ties the modules together), and the generic emulator (`local/`) knows AWS, not commerce: it
 * imports no service's code (`functions/<service>/`) and no app-side plugin (`local-app/`), except the
 * command line `local/main.ts`, which composes the app's plugins.
 * dpdm reads the imports as TypeScript resolves them (tsconfig.json).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DependencyTree, parseCircular, parseDependencyTree } from 'dpdm';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FOLDERS = ['bin', 'lib', 'functions', 'local', 'local-app', 'scripts'];

let tree: DependencyTree;
beforeAll(async () => {
  tree = await parseDependencyTree(
    FOLDERS.map((folder) => `${folder}/**/*.ts`),
    {
      cwd: ROOT,
      context: ROOT,
      tsconfig: path.join(ROOT, 'tsconfig.json'),
      // Type-only imports are kept: `import type` cycles count.
      transform: false,
      skipDynamicImports: false,
      exclude: /node_modules/,
    },
  );
}, 60_000);

/** `from` → `to` pairs of project files (dpdm gives paths relative to the context, `/`-separated). */
const importsOf = (file: string) => (tree[file] ?? []).map((d) => d.id).filter((id): id is string => !!id);

describe('the layout', () => {
  it('reads the project', () => {
    expect(Object.keys(tree)).toContain('local/cloud.ts');
    expect(importsOf('local/main.ts')).toContain('local/cloud.ts');
  });

  it('has no import cycle', () => {
    expect(parseCircular(tree).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('keeps CommerceForge out of the generic emulator', () => {
    const offending = Object.keys(tree)
      .filter((file) => file.startsWith('local/') && file !== 'local/main.ts')
      .flatMap((file) =>
        importsOf(file)
          .filter((id) => /^functions\/(?!kernel\/)/.test(id) || id.startsWith('local-app/'))
          .map((id) => `${file} -> ${id}`),
      );
    expect(offending).toEqual([]);
  });
});
