/**
 * Backward compatibility between a committed JSON Schema of an event (type, version) and the one generated
 * from today's zod schema. A (type, version) is immutable once committed: events of that version are in
 * stores and archives and must keep parsing, and consumers keep relying on its fields. So, recursively:
 * - every committed property is still there (removed or renamed → breaking);
 * - with the same JSON type (retyped → breaking; integer → number widening is tolerated);
 * - no property became required that was not (new required field → breaking: old events lack it);
 * - no property stopped being required (consumers rely on it being present);
 * - enums keep every committed value (old events carry them).
 * New optional properties, new enum values and changed descriptions are compatible.
 */

export type IncompatibilityKind =
  | 'removed'
  | 'type-changed'
  | 'newly-required'
  | 'no-longer-required'
  | 'enum-value-removed'
  | 'shape-changed';

export interface Incompatibility {
  readonly path: string;
  readonly kind: IncompatibilityKind;
  readonly detail: string;
}

type Schema = Record<string, unknown>;

const asSchema = (v: unknown): Schema | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Schema) : undefined;

function typesOf(s: Schema): string[] {
  const t = s.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (s.properties) return ['object'];
  return [];
}

function sameJsonType(committed: string[], generated: string[]): boolean {
  return committed.every((t) => generated.includes(t) || (t === 'integer' && generated.includes('number')));
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function checkBackwardCompatible(
  committed: unknown,
  generated: unknown,
  path = '',
): Incompatibility[] {
  const a = asSchema(committed);
  const b = asSchema(generated);
  if (!a) return [];
  if (!b) return [{ path: path || '(root)', kind: 'shape-changed', detail: 'schema is gone' }];
  const out: Incompatibility[] = [];
  const here = path || '(root)';

  const ta = typesOf(a);
  const tb = typesOf(b);
  if (ta.length > 0 && !sameJsonType(ta, tb)) {
    out.push({ path: here, kind: 'type-changed', detail: `${ta.join('|')} → ${tb.join('|') || 'untyped'}` });
    return out;
  }

  if (Array.isArray(a.enum)) {
    const kept = Array.isArray(b.enum) ? b.enum : undefined;
    if (kept) {
      for (const v of a.enum) {
        if (!kept.some((k) => JSON.stringify(k) === JSON.stringify(v))) {
          out.push({
            path: here,
            kind: 'enum-value-removed',
            detail: `value ${JSON.stringify(v)} no longer allowed`,
          });
        }
      }
    }
  }

  const pa = asSchema(a.properties);
  if (pa) {
    const pb = asSchema(b.properties) ?? {};
    const ra = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
    const rb = new Set(Array.isArray(b.required) ? (b.required as string[]) : []);
    for (const key of Object.keys(pa)) {
      const p = join(path, key);
      if (!(key in pb)) {
        out.push({ path: p, kind: 'removed', detail: 'property removed or renamed' });
        continue;
      }
      out.push(...checkBackwardCompatible(pa[key], pb[key], p));
      if (ra.has(key) && !rb.has(key))
        out.push({ path: p, kind: 'no-longer-required', detail: 'was required' });
    }
    for (const key of rb) {
      if (!ra.has(key))
        out.push({ path: join(path, key), kind: 'newly-required', detail: 'new required property' });
    }
  }

  const ia = asSchema(a.items);
  if (ia) out.push(...checkBackwardCompatible(ia, b.items, join(path, '[]')));

  const aa = asSchema(a.additionalProperties);
  if (aa) out.push(...checkBackwardCompatible(aa, b.additionalProperties, join(path, '{}')));

  for (const key of ['anyOf', 'oneOf'] as const) {
    const va = a[key];
    if (!Array.isArray(va)) continue;
    const vb = Array.isArray(b[key]) ? (b[key] as unknown[]) : [];
    va.forEach((branch, i) => {
      if (!vb.some((candidate) => checkBackwardCompatible(branch, candidate).length === 0)) {
        out.push({ path: join(path, `${key}[${i}]`), kind: 'shape-changed', detail: 'no compatible branch' });
      }
    });
  }
  return out;
}

export function formatIncompatibilities(name: string, found: readonly Incompatibility[]): string {
  return [
    `${name} is not backward compatible with its committed schema:`,
    ...found.map((f) => `  - ${f.path}: ${f.kind} (${f.detail})`),
  ].join('\n');
}
