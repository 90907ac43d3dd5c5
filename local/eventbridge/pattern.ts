import { AwsError } from '../core/aws-service.js';
import { expandEventKeys } from './dotted-keys.js';
import { type CompiledObject, compileObject } from './pattern-compile.js';
import { checkWildcardComplexity } from './pattern-complexity.js';
import { matchObject } from './pattern-match.js';
import { isPlainObject, PatternSyntaxError } from './pattern-operators.js';

/** An event pattern as CloudFormation holds it (an object) or as the API takes it (a JSON string). */
export type EventPattern = string | Record<string, unknown>;

/** A validated pattern, compiled once and matched many times. */
export class CompiledEventPattern {
  constructor(
    /** The pattern as a JSON string, as DescribeRule returns it. */
    readonly source: string,
    private readonly compiled: CompiledObject,
  ) {}

  matches(event: unknown): boolean {
    // Dotted keys in the event are the same fields as the nesting they name.
    const expanded = expandEventKeys(event);
    return matchObject(this.compiled, expanded, [expanded]);
  }
}

/**
 * Validates and compiles a pattern. Throws `AwsError('InvalidEventPatternException')` with AWS's message shape,
 * `Event pattern is not valid. Reason: <event-ruler's reason>` (AWS adds Jackson's source location; we do not).
 */
export function compileEventPattern(pattern: EventPattern | unknown): CompiledEventPattern {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw invalid(`Invalid JSON: ${(error as Error).message}`);
    }
  }
  if (!isPlainObject(parsed)) throw invalid('Filter is not an object');
  try {
    const source = typeof pattern === 'string' ? pattern : JSON.stringify(parsed);
    const compiled = compileObject(parsed);
    checkWildcardComplexity(parsed);
    return new CompiledEventPattern(source, compiled);
  } catch (error) {
    if (error instanceof PatternSyntaxError) throw invalid(error.message);
    throw error;
  }
}

export function validateEventPattern(pattern: EventPattern | unknown): void {
  compileEventPattern(pattern);
}

const cache = new Map<string, CompiledEventPattern>();
const CACHE_LIMIT = 500;

/** Matches one event; compiled patterns are cached by their JSON text so repeated calls stay cheap. */
export function matchesEventPattern(pattern: EventPattern | CompiledEventPattern, event: unknown): boolean {
  if (pattern instanceof CompiledEventPattern) return pattern.matches(event);
  const key = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = compileEventPattern(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, compiled);
  }
  return compiled.matches(event);
}

function invalid(reason: string): AwsError {
  return new AwsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);
}
