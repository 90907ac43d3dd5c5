import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The zod of every module that can end up in a Lambda bundle (functions/, the Saga construct's runtime):
 * `import * as z from '<...>/kernel/zod.js'`, never `'zod'` or `'zod/mini'` (test/kernel/zod.unit.test.ts and
 * test/constructs/service-function-bundles.unit.test.ts hold the line). Synth-time code keeps classic zod.
 *
 * - zod/mini, not classic zod: classic hangs its methods on prototypes, so none of them tree-shake and every
 *   bundle carried 96 KB of it; mini's functions cost 37 KB for the same schemas. Same package, same core:
 *   the same issues, outputs and JSON Schemas. (A schema's `.parse` throws `$ZodError`, not `ZodError`: the
 *   kernel turns failed parses into its own errors, so only a malformed AppSync or CodeDeploy event shows it.)
 * - mini loads no locale: without one every issue reads "Invalid input". Classic installs English the first
 *   time it builds a schema; this module does it the moment zod is first imported, so a failed parse still
 *   says "Too small: expected string to have >=1 characters". Here and not in each handler: every schema
 *   comes through this module, so none can parse without it.
 * - Classic also installs its cycle memoizer by default; it acts on recursive schemas only, and there is none.
 */
z.config(en());

export * from 'zod/mini';
