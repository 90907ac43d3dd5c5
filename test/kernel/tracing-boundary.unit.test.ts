import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Tracing lives behind one kernel module (functions/kernel/observability.ts): the X-Ray SDKs are in
 * maintenance since 2026-02-25 (end of support 2027-02-25), so moving to OpenTelemetry must be a change of
 * that file, not of every handler. These checks keep it so.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where Lambda code lives: the services and the kernel, and the Saga construct's runtime (starter, events). */
const RUNTIME_FOLDERS = ['functions', 'lib/constructs/saga/runtime'];
const KERNEL = 'functions/kernel/';
const OBSERVABILITY = `${KERNEL}observability.ts`;
const sources = RUNTIME_FOLDERS.flatMap((folder) =>
  (readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(folder, f)),
)
  // Comments out: a handler that only mentions withObservability in its docs is not wrapped.
  .map((file) => ({ file, text: withoutComments(readFileSync(join(ROOT, file), 'utf8')) }));

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
  .filter(({ file }) => file.startsWith(KERNEL) && file !== OBSERVABILITY)
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
      file !== OBSERVABILITY && /^export (const handler\b|(async )?function handler\b)/m.test(text),
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
