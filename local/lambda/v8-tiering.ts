/**
 * V8's tiering, tuned for one process that hosts ~50 isolates (a worker per execution environment).
 *
 * In AWS each environment has a sandbox of its own; here every worker's isolate compiles the same AWS SDK and
 * Powertools code again, and on a warm run each sees only a few hundred invocations. Measured with `perf` on 2
 * cores, 300 orders at 16: V8's background threads spent ~15% of the process's CPU in TurboFan (optimizing
 * functions an isolate then runs a few hundred times) and ~7% in GC; 36% ran in the interpreter's builtins.
 * Two stable V8 flags trade that compile for cheaper code sooner:
 * - `--interrupt-budget` four times V8's default: a function tiers up to TurboFan after four times the work,
 *   so only code that is hot in its isolate gets optimized;
 * - `--always-sparkplug`: bytecode goes straight to Sparkplug's baseline code (a fast, non-optimizing
 *   compile) rather than running in the interpreter first.
 * A/B on one machine, 200 orders at 16, two rounds alternated: V8's platform threads' CPU per order fell from
 * 58-61 to 29-31 ms, the cloud process's from 300-314 to 271-293 ms, and orders/s rose 9-10% in each round.
 * Semantics do not change: these choose when code is compiled, not what it does.
 *
 * Flags are process-wide (a worker's execArgv cannot carry V8 options), so the cloud sets them once before its
 * first worker starts. LOCAL_V8_TIERING=default keeps V8's own tiering.
 */
import v8 from 'node:v8';

/** V8 11-13's default `--interrupt-budget` (bytes of bytecode executed before a TurboFan tier-up). */
const V8_DEFAULT_INTERRUPT_BUDGET = 66 * 1024;

export const LOCAL_V8_FLAGS = [`--interrupt-budget=${4 * V8_DEFAULT_INTERRUPT_BUDGET}`, '--always-sparkplug'];

let applied = false;

/** Sets the flags once per process; returns the flags set (none when LOCAL_V8_TIERING=default). */
export function tuneV8TieringForWorkers(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  if (env.LOCAL_V8_TIERING === 'default') return [];
  if (!applied) {
    for (const flag of LOCAL_V8_FLAGS) v8.setFlagsFromString(flag);
    applied = true;
  }
  return LOCAL_V8_FLAGS;
}
