import { isPlainObject } from './pattern-operators.js';

/**
 * EventBridge (event-ruler) sees an event and a pattern as flat fields named by their path joined with dots:
 * `{"state": {"status": "x"}}` and `{"state.status": "x"}` are the same field `state.status`, in patterns and
 * in events alike. The local matcher walks nested objects, so a dotted key is expanded here into the nesting
 * it stands for, merged with whatever is already there. Hand-written: no package models event-ruler's flattening.
 */

/** A pattern object with every dotted key nested. Two rules for one field become one list of values (OR). */
export function expandPatternKeys(obj: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(obj).some((k) => k.includes('.'))) return obj;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) mergePattern(out, key.split('.'), value);
  return out;
}

function mergePattern(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length > 0) {
    const existing = target[head];
    // A leaf and an object on one name: the leaf stays, and the compiler judges it as written.
    if (existing !== undefined && !isPlainObject(existing)) return;
    const child = isPlainObject(existing) ? existing : {};
    target[head] = child;
    mergePattern(child, rest, value);
    return;
  }
  const existing = target[head];
  if (Array.isArray(existing) && Array.isArray(value)) target[head] = [...existing, ...value];
  else if (isPlainObject(existing) && isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) mergePattern(existing, k.split('.'), v);
  } else target[head] = value;
}

/**
 * An event with every dotted key nested, so `"state.status"` is found where a pattern looks for
 * `state` → `status`. Where a name is both a value and an object (`{"a": 1, "a.b": 2}`), both are kept as an
 * array — leaves and objects are read from arrays alike, so `a` still matches 1 and `a.b` matches 2.
 */
export function expandEventKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.some(needsExpansion) ? value.map(expandEventKeys) : value;
  if (!isPlainObject(value)) return value;
  if (!needsExpansion(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) mergeEvent(out, key.split('.'), expandEventKeys(child));
  return out;
}

function needsExpansion(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(needsExpansion);
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(([k, v]) => k.includes('.') || needsExpansion(v));
}

function mergeEvent(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path as [string, ...string[]];
  const nested = rest.length > 0 ? nest(rest, value) : value;
  const existing = target[head];
  if (existing === undefined) target[head] = nested;
  else if (isPlainObject(existing) && isPlainObject(nested)) {
    for (const [k, v] of Object.entries(nested)) mergeEvent(existing, [k], v);
  } else target[head] = [...toList(existing), ...toList(nested)];
}

const nest = (path: readonly string[], value: unknown): unknown =>
  path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
const toList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
