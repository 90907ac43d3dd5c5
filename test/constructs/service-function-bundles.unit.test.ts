import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SERVICE_FUNCTION_BUNDLING } from '../../lib/constructs/service-function.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** ServiceFunction's bundling options, as CDK hands them to esbuild (CommonJS: no `format` is set). */
function esbuildOptions(): BuildOptions {
  const b = SERVICE_FUNCTION_BUNDLING;
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: b.minify,
    target: b.target,
    external: b.externalModules,
    mainFields: b.mainFields,
    absWorkingDir: root,
    outfile: 'index.js',
    logLevel: 'silent',
  };
}

async function bundle(entry: string): Promise<{ size: number; metafile: Metafile }> {
  const result = await build({
    ...esbuildOptions(),
    entryPoints: [`${root}${entry}`],
    metafile: true,
    write: false,
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  return { size: js?.contents.byteLength ?? 0, metafile: result.metafile };
}

/**
 * Size budgets of representative bundles, in bytes: issue 10's 150 KB for every bundle. Exceeding one usually
 * means a dependency came into every function (a CommonJS package, a barrel import): find it with esbuild's
 * metafile before raising the budget, and say why.
 */
const budgets = {
  // A command handler: zod, the kernel's event store and command handling, the orders domain.
  'functions/orders/handlers/commands.ts': 150_000,
  // Also signs AppSync calls with @smithy/signature-v4.
  'functions/orders/handlers/publish-order-update.ts': 150_000,
  // The largest bundles: each also signs its provider's function URL calls.
  'functions/shipping/handlers/commands.ts': 150_000,
  'functions/payments/handlers/commands.ts': 150_000,
  // Powertools Idempotency (from the layer) and the notifications domain.
  'functions/notifications/handlers/on-notifying-event.ts': 150_000,
};

/**
 * Handlers whose bundles carry the most schemas: a command handler, shipping's (the largest bundle), and an
 * event handler. Classic zod hangs its methods on prototypes, so none of it tree-shakes: 96 KB of each bundle
 * was zod before functions/kernel/zod.ts gave every Lambda module zod/mini (37 KB with the same schemas).
 */
const ZOD_ENTRIES = [
  'functions/orders/handlers/commands.ts',
  'functions/shipping/handlers/commands.ts',
  'functions/notifications/handlers/on-notifying-event.ts',
];
const ZOD_BUDGET = 45_000;

/** Bytes each input matching `pattern` puts in the bundle. */
const bytesByInput = (metafile: Metafile, pattern: RegExp): Record<string, number> =>
  Object.fromEntries(
    Object.values(metafile.outputs)
      .flatMap((output) => Object.entries(output.inputs))
      .filter(([path]) => pattern.test(path))
      .map(([path, input]) => [path, input.bytesInOutput]),
  );

describe('ServiceFunction bundles', () => {
  it.each(Object.entries(budgets))('%s stays within its budget', async (entry, budget) => {
    const { size } = await bundle(entry);
    expect(size).toBeLessThanOrEqual(budget);
  });

  it.each(Object.keys(budgets))(
    '%s leaves Powertools, and the X-Ray SDK under its Tracer, to the Powertools layer',
    async (entry) => {
      const { metafile } = await bundle(entry);
      const inputs = Object.keys(metafile.inputs);
      expect(
        inputs.filter((p) => /node_modules\/(@aws-lambda-powertools|aws-xray-sdk-core|cls-hooked)\//.test(p)),
      ).toEqual([]);
      // Still used, from the layer: the handler requires them at run time.
      const required = Object.values(metafile.inputs).flatMap((input) =>
        input.imports.filter((i) => i.external).map((i) => i.path),
      );
      expect(required).toEqual(expect.arrayContaining(['@aws-lambda-powertools/logger']));
    },
  );

  it.each(ZOD_ENTRIES)(
    '%s bundles zod/mini with the English locale alone, never classic zod (issue 10)',
    async (entry) => {
      const { metafile } = await bundle(entry);
      const zod = bytesByInput(metafile, /node_modules\/zod\//);
      expect(Object.keys(zod).filter((p) => p.includes('/zod/v4/mini/'))).not.toEqual([]);
      expect(
        Object.keys(zod).filter((p) => /\/zod\/(index\.js|v4\/index\.js|v4\/classic\/)/.test(p)),
      ).toEqual([]);
      expect(Object.keys(zod).filter((p) => p.includes('/zod/v4/locales/'))).toEqual([
        expect.stringMatching(/\/zod\/v4\/locales\/en\.js$/),
      ]);
      expect(Object.values(zod).reduce((sum, bytes) => sum + bytes, 0)).toBeLessThan(ZOD_BUDGET);
    },
  );

  it('tree-shakes @smithy/core out of the AppSync signer', async () => {
    const { metafile } = await bundle('functions/orders/handlers/publish-order-update.ts');
    const smithyCore = Object.entries(metafile.outputs)
      .flatMap(([, output]) => Object.entries(output.inputs))
      .filter(([path]) => path.includes('node_modules/@smithy/core/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    expect(smithyCore).toBeLessThan(10_000);
  });
});
