import { fail, isPlainObject } from './pattern-operators.js';

// EventBridge refuses a rule whose wildcards make matching too non-deterministic, with event-ruler's reason
// below. event-ruler's MachineComplexityEvaluator measures it as the largest number of wildcard-pattern states
// a worst-case value can keep alive at once. AWS documents the refusal, not the number, so this is a local
// approximation: the same measure on a plain NFA of one field's wildcard patterns (subset construction over the
// characters the patterns name plus one other), refused above MAX_WILDCARD_COMPLEXITY. The limit is set so
// that the example of a pattern too complex, "*:*:*:*:*:event-bus/*" (more than 10 live states on a run of colons), is
// refused while ordinary ones ("*.png", "*/lib/*", "arn:aws:events:*:*:event-bus/*") pass.
// Hand-written: no package computes event-ruler's measure.
export const MAX_WILDCARD_COMPLEXITY = 10;
export const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';
/** Subsets explored before giving up: past this the pattern is too complex by any measure. */
const MAX_SUBSETS = 5000;

type Token = { readonly star: true } | { readonly star: false; readonly char: string };

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\') out.push({ star: false, char: chars[++i] ?? '\\' });
    else out.push(ch === '*' ? { star: true } : { star: false, char: ch });
  }
  return out;
}

/** The largest number of NFA states of `patterns` (one field's wildcards) any value keeps alive at once. */
export function wildcardComplexity(patterns: readonly string[]): number {
  const machines = patterns.map(tokens);
  if (!machines.some((m) => m.some((t) => t.star))) return 1;
  const alphabet = [...new Set(machines.flatMap((m) => m.flatMap((t) => (t.star ? [] : [t.char]))))];
  alphabet.push('\u0000other');
  const closure = (states: Set<string>) => {
    for (const key of states) {
      const [m, i] = key.split(':').map(Number) as [number, number];
      if (machines[m]?.[i]?.star) states.add(`${m}:${i + 1}`);
    }
    return states;
  };
  const start = closure(new Set(machines.map((_, m) => `${m}:0`)));
  const seen = new Set<string>();
  const queue = [start];
  let worst = start.size;
  while (queue.length > 0) {
    const current = queue.shift() as Set<string>;
    const id = [...current].sort().join(',');
    if (seen.has(id)) continue;
    seen.add(id);
    if (seen.size > MAX_SUBSETS) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, current.size);
    if (worst > MAX_WILDCARD_COMPLEXITY) return worst;
    for (const ch of alphabet) {
      const next = new Set<string>();
      for (const key of current) {
        const [m, i] = key.split(':').map(Number) as [number, number];
        const token = machines[m]?.[i];
        if (!token) continue;
        if (token.star) next.add(key);
        else if (token.char === ch) next.add(`${m}:${i + 1}`);
      }
      if (next.size > 0) queue.push(closure(next));
    }
  }
  return worst;
}

/** Refuses a pattern (already expanded and compiled) with a field whose wildcards are too complex. */
export function checkWildcardComplexity(pattern: Record<string, unknown>): void {
  for (const value of Object.values(pattern)) {
    if (isPlainObject(value)) checkWildcardComplexity(value);
    else if (Array.isArray(value)) {
      const wildcards = value.flatMap(wildcardsOf);
      if (wildcards.length > 0 && wildcardComplexity(wildcards) > MAX_WILDCARD_COMPLEXITY) fail(TOO_COMPLEX);
      // `$or` branches are objects in an array.
      for (const branch of value)
        if (isPlainObject(branch) && !isMatcher(branch)) checkWildcardComplexity(branch);
    }
  }
}

const OPERATORS = new Set([
  'wildcard',
  'anything-but',
  'prefix',
  'suffix',
  'numeric',
  'exists',
  'cidr',
  'exactly',
  'equals-ignore-case',
]);
const isMatcher = (o: Record<string, unknown>) => Object.keys(o).some((k) => OPERATORS.has(k));

function wildcardsOf(matcher: unknown): string[] {
  if (!isPlainObject(matcher)) return [];
  if (typeof matcher.wildcard === 'string') return [matcher.wildcard];
  const but = matcher['anything-but'];
  if (isPlainObject(but) && but.wildcard !== undefined) {
    return (Array.isArray(but.wildcard) ? but.wildcard : [but.wildcard]).filter(
      (w): w is string => typeof w === 'string',
    );
  }
  return [];
}
