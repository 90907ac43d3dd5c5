import type { CompiledObject, ValueMatcher } from './pattern-compile.js';
import { isPlainObject, type LeafValue } from './pattern-operators.js';

/**
 * Matching follows event-ruler's view of an event as leaves: a leaf is a string, number, boolean or null; arrays
 * are flattened (an event array matches when any element does); an object is never a leaf, so `exists` only sees
 * leaves. A nested pattern object must match within one element of an event array (event-ruler's "array
 * consistency"), while `exists: false` asks that no element anywhere at that path has a leaf.
 */
export function matchObject(pattern: CompiledObject, node: unknown, peers: readonly unknown[]): boolean {
  for (const field of pattern.fields) {
    const child = isPlainObject(node) ? node[field.name] : undefined;
    const peerChildren = peers.map((peer) => (isPlainObject(peer) ? peer[field.name] : undefined));
    if ('leaf' in field) {
      if (!matchLeaf(field.leaf, leaves(child), () => peerChildren.flatMap(leaves))) return false;
    } else {
      const candidates = objects(child);
      const allCandidates = peerChildren.flatMap(objects);
      const matched =
        candidates.length === 0
          ? matchObject(field.nested, undefined, allCandidates)
          : candidates.some((candidate) => matchObject(field.nested, candidate, allCandidates));
      if (!matched) return false;
    }
  }
  return pattern.ors.every((branches) => branches.some((branch) => matchObject(branch, node, peers)));
}

function matchLeaf(
  matchers: readonly ValueMatcher[],
  values: readonly LeafValue[],
  allValues: () => readonly LeafValue[],
): boolean {
  return matchers.some((matcher) => {
    if (matcher.kind === 'exists') return matcher.exists ? values.length > 0 : allValues().length === 0;
    return values.some((value) => matcher.test(value));
  });
}

function leaves(value: unknown): LeafValue[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (isPlainObject(value)) return [];
  return [value as LeafValue];
}

function objects(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objects);
  return isPlainObject(value) ? [value] : [];
}
