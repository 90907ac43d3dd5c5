import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Tracing lives behind one kernel module (functions/kernel/observability.ts): the X-Ray SDKs are in
 * maintenance since 2026-02-25 (end of support 2027-02-25), so moving to OpenTelemetry must be a change of
 * that file, not of every handler. These checks keep it so.
 */
const functionsDir = fileURLToPath(new URL('../../functions', import.meta.url));
const OBSERVABILITY = 'kernel/observability.ts';
const sources = (readdirSync(functionsDir, { recursive: true, encoding: 'utf8' }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  // Comments out: a handler that only mentions withObservability in its docs is not wrapped.
  .map((f) => ({ file: f, text: withoutComments(readFileSync(join(functionsDir, f), 'utf8')) }));

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const TRACING_MODULE = /from '(@aws-lambda-powertools\/tracer[^']*|aws-xray-sdk[^']*|@opentelemetry\/[^']*)'/;
const WRAPPED = /withObservability\s*(<[^;]*?>)?\s*\(/;

/**
 * The kernel's handler factories (command, projector, resolver, ...): exported functions whose own body calls
 * withObservability. A file is cut at each top-level `export`, so a helper beside a factory does not count.
 */
const kernelWrappers = sources
  .filter(({ file }) => file.startsWith('kernel/') && file !== OBSERVABILITY)
  .flatMap(({ text }) => text.split(/^(?=export )/m))
  .filter((chunk) => WRAPPED.test(chunk))
  .flatMap((chunk) => /^export (?:async )?function (\w+)/.exec(chunk)?.[1] ?? []);

describe('tracing behind one kernel module', () => {
  it('imports the tracer (or any tracing SDK) only in kernel/observability.ts', () => {
    const importers = sources.filter(({ text }) => TRACING_MODULE.test(text)).map(({ file }) => file);
    expect(importers).toEqual([OBSERVABILITY]);
  });

  it('finds the kernel factories that wrap handlers (so the next check can fail)', () => {
    expect(kernelWrappers).toEqual(expect.arrayContaining(['commandHandler', 'projectorHandler']));
    expect(kernelWrappers).not.toContain('idempotencyKeyOf');
  });

  const handlers = sources.filter(
    ({ file, text }) =>
      !file.startsWith('kernel/observability') &&
      /^export (const handler\b|(async )?function handler\b)/m.test(text),
  );

  it.each(handlers.map((h) => [relative('.', h.file), h.text]))(
    '%s goes through withObservability (directly or through a kernel factory)',
    (_file, text) => {
      const direct = WRAPPED.test(text);
      const factory = kernelWrappers.some((name) =>
        new RegExp(`\\b${name}\\s*(<[^;]*?>)?\\s*\\(`).test(text),
      );
      expect(direct || factory).toBe(true);
    },
  );
});
