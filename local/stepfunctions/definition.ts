import { createRequire } from 'node:module';
import { StateMachineDefinitionError } from './errors.js';

/**
 * Prepares a synthesized ASL definition for aws-local-stepfunctions: validates it, refuses what the library would
 * silently run wrong, and rewrites the few fields where the library departs from AWS.
 */

type Json = Record<string, unknown>;

/** setTimeout overflows above 2^31-1 ms and fires at once: the largest timeout a state can have here. */
export const MAX_TIMEOUT_SECONDS = 2_147_483;

export interface StateInfo {
  readonly name: string;
  readonly type: string;
  /** Position in `PreparedDefinition.states`; the rewritten `$$.State` paths index the context by it. */
  readonly index: number;
  readonly resource?: string;
  /** The Task's own `TimeoutSeconds` (unscaled, capped) when it has one. */
  readonly timeoutSeconds?: number;
  /** A Map's `InputPath` and `ItemsPath`, to tell the history how many items it iterates. */
  readonly inputPath?: string | null;
  readonly itemsPath?: string;
}

export interface PreparedDefinition {
  /** The definition to hand to the library (rewritten; the original is never mutated). */
  readonly definition: Json;
  /** Every state, Parallel branches and Map iterators included (ASL names are unique in a whole machine). */
  readonly states: readonly StateInfo[];
  readonly tasks: ReadonlyMap<string, StateInfo>;
}

export interface PrepareOptions {
  /** Multiplies Retry intervals, Wait `Seconds` and timeouts (tests use e.g. 0.001). Default 1. */
  readonly timeScale?: number;
  /** Run asl-validator (~0.4 s a definition: it compiles its JSON schemas on every call). Default true. */
  readonly validate?: boolean;
}

/** Key under which the engine puts context values the library would otherwise get wrong (see contextPath). */
export const LOCAL_CONTEXT_KEY = '_local';

export function parseDefinition(name: string, definition: string | object): Json {
  if (typeof definition !== 'string') return structuredClone(definition) as Json;
  try {
    const parsed: unknown = JSON.parse(definition);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
    throw new Error('the definition is not a JSON object');
  } catch (error) {
    throw new StateMachineDefinitionError(name, [`not valid JSON: ${(error as Error).message}`]);
  }
}

/** `${Name}` placeholders of CloudFormation's `DefinitionSubstitutions`. */
export function applySubstitutions(definition: string, substitutions?: Record<string, unknown>): string {
  if (!substitutions) return definition;
  return definition.replace(/\$\{([^}]+)\}/g, (whole, key: string) =>
    key in substitutions ? String(substitutions[key]) : whole,
  );
}

interface AslValidatorResult {
  isValid: boolean;
  errorsText: (separator?: string) => string;
}
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => AslValidatorResult;

const validated = new Map<string, string[]>();

/** asl-validator's findings, cached by definition: it is slow and the same definitions come back. */
function schemaProblems(definition: Json): string[] {
  const key = JSON.stringify(definition);
  let problems = validated.get(key);
  if (!problems) {
    // asl-validator writes a default QueryLanguage into every state: validate a copy.
    const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
    problems = result.isValid ? [] : result.errorsText('\n').split('\n').filter(Boolean);
    validated.set(key, problems);
  }
  return problems;
}

/** Problems that would make the definition fail in AWS or run wrong here; empty when it can run. */
export function validateDefinition(definition: Json, options: { schema?: boolean } = {}): string[] {
  const problems = options.schema === false ? [] : [...schemaProblems(definition)];
  if (usesJsonata(definition)) {
    problems.push(
      'QueryLanguage "JSONata" is not supported by the local cloud (aws-local-stepfunctions ignores it and would ' +
        'run the states as JSONPath): write the definition in JSONPath',
    );
  }
  return problems;
}

function usesJsonata(definition: Json): boolean {
  if (definition.QueryLanguage === 'JSONata') return true;
  return allStates(definition).some(([, state]) => state.QueryLanguage === 'JSONata');
}

function allStates(definition: Json): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const visit = (machine: unknown) => {
    const states = (machine as Json | undefined)?.States;
    if (!states || typeof states !== 'object') return;
    for (const [name, state] of Object.entries(states as Record<string, Json>)) {
      out.push([name, state]);
      for (const branch of (state.Branches as unknown[] | undefined) ?? []) visit(branch);
      visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(definition);
  return out;
}

export function prepareDefinition(
  name: string,
  original: Json,
  options: PrepareOptions = {},
): PreparedDefinition {
  const problems = validateDefinition(original, { schema: options.validate !== false });
  if (problems.length > 0) throw new StateMachineDefinitionError(name, problems);
  const scale = options.timeScale ?? 1;
  const definition = structuredClone(original);
  const states: StateInfo[] = [];
  const tasks = new Map<string, StateInfo>();
  const entries = allStates(definition);

  for (const [index, [stateName, state]] of entries.entries()) {
    const info: StateInfo = {
      name: stateName,
      type: String(state.Type),
      index,
      ...(state.Type === 'Map' && {
        inputPath: state.InputPath as string | null | undefined,
        itemsPath: (state.ItemsPath as string | undefined) ?? '$',
      }),
    };
    if (state.Type === 'Task') {
      const own =
        typeof state.TimeoutSeconds === 'number'
          ? Math.min(state.TimeoutSeconds, MAX_TIMEOUT_SECONDS)
          : undefined;
      const task: StateInfo = {
        ...info,
        resource: String(state.Resource),
        ...(own !== undefined && { timeoutSeconds: own }),
      };
      tasks.set(stateName, task);
      states.push(task);
      // The library applies a 60 s default where AWS has none: give every Task an explicit (capped) timeout.
      if (state.TimeoutSecondsPath === undefined)
        state.TimeoutSeconds = own === undefined ? MAX_TIMEOUT_SECONDS : own * scale;
    } else {
      states.push(info);
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds *= scale;
    for (const retrier of (state.Retry as Json[] | undefined) ?? []) {
      retrier.IntervalSeconds =
        (typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1) * scale;
      if (typeof retrier.MaxDelaySeconds === 'number') retrier.MaxDelaySeconds *= scale;
    }
    rewriteContextPaths(state, index);
  }
  if (typeof definition.TimeoutSeconds === 'number') {
    definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds, MAX_TIMEOUT_SECONDS) * scale;
  }
  return { definition, states, tasks };
}

const PATH_FIELDS = [
  'InputPath',
  'OutputPath',
  'ItemsPath',
  'ErrorPath',
  'CausePath',
  'SecondsPath',
  'TimestampPath',
  'TimeoutSecondsPath',
  'MaxConcurrencyPath',
];
const TEMPLATE_FIELDS = ['Parameters', 'ItemSelector', 'ResultSelector'];

/**
 * The library builds `$$` once per (sub-)execution and overwrites `Execution.Input`/`StartTime` inside Parallel
 * branches and Map iterations, and it has no `$$.State`. Paths that read those are pointed at values the engine
 * keeps right (`$$._local.Execution`, `$$._local.States[i]`).
 */
function rewriteContextPaths(state: Json, index: number): void {
  const rewrite = (path: string) => contextPath(path, index);
  for (const field of PATH_FIELDS)
    if (typeof state[field] === 'string') state[field] = rewrite(state[field] as string);
  for (const field of TEMPLATE_FIELDS)
    if (state[field] !== undefined) state[field] = rewriteTemplate(state[field], rewrite);
  if (state.Type === 'Choice') {
    const rewriteRule = (rule: Json) => {
      for (const [key, value] of Object.entries(rule)) {
        if (typeof value === 'string' && (key === 'Variable' || key.endsWith('Path')))
          rule[key] = rewrite(value);
        else if (key === 'And' || key === 'Or') for (const inner of value as Json[]) rewriteRule(inner);
        else if (key === 'Not') rewriteRule(value as Json);
      }
    };
    for (const rule of (state.Choices as Json[] | undefined) ?? []) rewriteRule(rule);
  }
}

export function contextPath(path: string, stateIndex: number): string {
  return path
    .replace(/\$\$\.Execution(?![A-Za-z0-9_])/g, `$$$$.${LOCAL_CONTEXT_KEY}.Execution`)
    .replace(/\$\$\.State(?![A-Za-z0-9_])/g, `$$$$.${LOCAL_CONTEXT_KEY}.States[${stateIndex}]`);
}

function rewriteTemplate(template: unknown, rewrite: (path: string) => string): unknown {
  if (Array.isArray(template)) return template.map((item) => rewriteTemplate(item, rewrite));
  if (!template || typeof template !== 'object') return template;
  const out: Json = {};
  for (const [key, value] of Object.entries(template as Json)) {
    out[key] =
      key.endsWith('.$') && typeof value === 'string' ? rewrite(value) : rewriteTemplate(value, rewrite);
  }
  return out;
}
