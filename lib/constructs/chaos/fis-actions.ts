/**
 * AWS FIS's definitions of the actions CommerceForge's experiments use, as data, and a validator of an
 * experiment template against them. Pure: no CDK import, so the local FIS (local/fis/) validates the
 * synthesized templates with the same rules the construct applies at synth time.
 *
 * Source: the FIS actions reference (Lambda actions, aws:fis:wait) and the Targets page (aws:lambda:function):
 * parameter names, ranges and defaults as documented there. A template is given in FIS's API shape
 * (`CreateExperimentTemplate`: camelCase keys, every parameter value a string).
 */

export const LAMBDA_FUNCTION_TARGET = 'aws:lambda:function';
/** The key an action names its Lambda target under (`targets: { Functions: '<target name>' }`). */
export const LAMBDA_TARGET_KEY = 'Functions';
/** The longest an action (and an experiment) may last. */
export const MAX_DURATION_SECONDS = 12 * 60 * 60;

export type FisParameter =
  | {
      readonly kind: 'duration';
      readonly required: boolean;
      /** aws:fis:wait documents one minute; the Lambda actions document no minimum (one second here). */
      readonly minSeconds: number;
    }
  | {
      readonly kind: 'integer';
      readonly required: boolean;
      readonly min: number;
      readonly max: number;
      readonly default?: number;
    }
  | { readonly kind: 'boolean'; readonly required: boolean; readonly default?: boolean }
  | { readonly kind: 'statusCode'; readonly required: boolean }
  | { readonly kind: 'text'; readonly required: boolean };

export interface FisActionDefinition {
  readonly description: string;
  readonly parameters: Readonly<Record<string, FisParameter>>;
  /** The resource type of the action's one target, under `LAMBDA_TARGET_KEY`; none for aws:fis:wait. */
  readonly targetType?: typeof LAMBDA_FUNCTION_TARGET;
  /** What the experiment role needs for the action (beyond logging and reports). */
  readonly permissions: readonly string[];
}

const duration = { kind: 'duration', required: true, minSeconds: 1 } as const;
const invocationPercentage = { kind: 'integer', required: false, min: 1, max: 100, default: 100 } as const;
const preventExecution = { kind: 'boolean', required: false, default: false } as const;
const LAMBDA_PERMISSIONS = ['s3:PutObject', 's3:DeleteObject', 'lambda:GetFunction', 'tag:GetResources'];

export const FIS_ACTIONS = {
  'aws:lambda:invocation-add-delay': {
    description: "Delays the start of the function's code by startupDelayMilliseconds",
    parameters: {
      duration,
      invocationPercentage,
      startupDelayMilliseconds: { kind: 'integer', required: false, min: 0, max: 900_000, default: 1000 },
    },
    targetType: LAMBDA_FUNCTION_TARGET,
    permissions: LAMBDA_PERMISSIONS,
  },
  'aws:lambda:invocation-error': {
    description: 'Marks invocations as failed, with or without running the code (preventExecution)',
    parameters: { duration, invocationPercentage, preventExecution },
    targetType: LAMBDA_FUNCTION_TARGET,
    permissions: LAMBDA_PERMISSIONS,
  },
  'aws:lambda:invocation-http-integration-response': {
    description:
      'Returns the given HTTP status and content type (ALB, API Gateway, VPC Lattice integrations)',
    parameters: {
      contentTypeHeader: { kind: 'text', required: true },
      duration,
      invocationPercentage,
      preventExecution,
      statusCode: { kind: 'statusCode', required: true },
    },
    targetType: LAMBDA_FUNCTION_TARGET,
    permissions: LAMBDA_PERMISSIONS,
  },
  'aws:fis:wait': {
    description: 'Waits, so that later actions (startAfter) begin later',
    parameters: { duration: { ...duration, minSeconds: 60 } },
    permissions: [],
  },
} as const satisfies Record<string, FisActionDefinition>;

export type FisActionId = keyof typeof FIS_ACTIONS;
export const FIS_ACTION_IDS = Object.keys(FIS_ACTIONS) as FisActionId[];

/** The parameters a target of type aws:lambda:function may have: the version or alias faults apply to. */
export const LAMBDA_TARGET_PARAMETERS = ['functionQualifier'] as const;

/** An experiment template's actions and targets in FIS's API shape (what CreateExperimentTemplate takes). */
export interface FisTemplateActions {
  readonly actions: Readonly<Record<string, FisTemplateAction>>;
  readonly targets: Readonly<Record<string, FisTemplateTarget>>;
}

export interface FisTemplateAction {
  readonly actionId: string;
  readonly description?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly targets?: Readonly<Record<string, string>>;
  readonly startAfter?: readonly string[];
}

export interface FisTemplateTarget {
  readonly resourceType: string;
  readonly selectionMode: string;
  readonly resourceTags?: Readonly<Record<string, string>>;
  readonly resourceArns?: readonly string[];
  readonly parameters?: Readonly<Record<string, string>>;
}

/** An experiment template that FIS would refuse: every problem found, one per line. */
export class FisTemplateError extends Error {
  override readonly name = 'FisTemplateError';
  readonly code = 'INVALID_FIS_TEMPLATE';
  constructor(
    readonly template: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid FIS experiment template '${template}':\n- ${problems.join('\n- ')}`);
  }
}

// Days, hours, minutes and seconds: what FIS's durations use (no years or months, whose length varies).
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds in an ISO 8601 duration such as `PT10M` or `PT1H30M`; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, days, hours, minutes, seconds] = match;
  return (
    Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)
  );
}

/** Action and target names: FIS's pattern `[\S]+`, at most 64 characters. */
const FIS_NAME = /^\S{1,64}$/;

const SELECTION_MODE = /^(ALL|COUNT\((\d+)\)|PERCENT\((\d+)\))$/;

/** Problems with one selection mode (ALL, COUNT(n) with n >= 1, PERCENT(n) with n 1-100). */
export function selectionModeProblem(mode: string): string | undefined {
  const match = SELECTION_MODE.exec(mode);
  if (!match) return `selectionMode '${mode}' is not ALL, COUNT(n) or PERCENT(n)`;
  const [, , count, percent] = match;
  if (count !== undefined && Number(count) < 1) return `selectionMode ${mode}: COUNT needs at least 1`;
  if (percent !== undefined && (Number(percent) < 1 || Number(percent) > 100))
    return `selectionMode ${mode}: PERCENT must be 1 to 100`;
  return undefined;
}

function parameterProblem(name: string, spec: FisParameter, value: string): string | undefined {
  switch (spec.kind) {
    case 'duration': {
      const seconds = durationSeconds(value);
      if (seconds === undefined) return `${name} '${value}' is not an ISO 8601 duration (e.g. PT5M)`;
      if (seconds < spec.minSeconds || seconds > MAX_DURATION_SECONDS)
        return `${name} ${value} is outside ${spec.minSeconds === 60 ? 'PT1M' : `PT${spec.minSeconds}S`} to PT12H`;
      return undefined;
    }
    case 'integer': {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < spec.min || n > spec.max)
        return `${name} '${value}' must be an integer from ${spec.min} to ${spec.max}`;
      return undefined;
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : `${name} '${value}' must be true or false`;
    case 'statusCode':
      return /^\d{3}$/.test(value) ? undefined : `${name} '${value}' must be an HTTP status code (000-999)`;
    case 'text':
      return value.trim() ? undefined : `${name} must not be empty`;
    default: {
      const never: never = spec;
      return `unknown parameter kind ${JSON.stringify(never)}`;
    }
  }
}

function actionProblems(
  name: string,
  action: FisTemplateAction,
  template: FisTemplateActions,
): readonly string[] {
  const at = `action '${name}'`;
  const definition: FisActionDefinition | undefined = FIS_ACTIONS[action.actionId as FisActionId];
  if (!definition)
    return [`${at}: unknown actionId '${action.actionId}' (known: ${FIS_ACTION_IDS.join(', ')})`];
  const problems: string[] = [];
  const parameters = action.parameters ?? {};
  for (const [key, value] of Object.entries(parameters)) {
    const spec = definition.parameters[key];
    if (!spec) {
      problems.push(`${at}: ${action.actionId} has no parameter '${key}'`);
      continue;
    }
    const problem = parameterProblem(key, spec, value);
    if (problem) problems.push(`${at}: ${problem}`);
  }
  for (const [key, spec] of Object.entries(definition.parameters))
    if (spec.required && parameters[key] === undefined)
      problems.push(`${at}: parameter '${key}' is required`);

  const targets = action.targets ?? {};
  if (!definition.targetType) {
    if (Object.keys(targets).length > 0) problems.push(`${at}: ${action.actionId} takes no target`);
  } else {
    for (const key of Object.keys(targets))
      if (key !== LAMBDA_TARGET_KEY) problems.push(`${at}: target key '${key}' is not ${LAMBDA_TARGET_KEY}`);
    const targetName = targets[LAMBDA_TARGET_KEY];
    const target = targetName === undefined ? undefined : template.targets[targetName];
    if (targetName === undefined) problems.push(`${at}: needs a ${LAMBDA_TARGET_KEY} target`);
    else if (!target) problems.push(`${at}: target '${targetName}' is not one of the template's targets`);
    else if (target.resourceType !== definition.targetType)
      problems.push(`${at}: target '${targetName}' is ${target.resourceType}, not ${definition.targetType}`);
  }
  for (const before of action.startAfter ?? []) {
    if (before === name) problems.push(`${at}: cannot start after itself`);
    else if (!template.actions[before]) problems.push(`${at}: startAfter '${before}' is not an action`);
  }
  return problems;
}

function targetProblems(name: string, target: FisTemplateTarget): readonly string[] {
  const at = `target '${name}'`;
  const problems: string[] = [];
  if (target.resourceType !== LAMBDA_FUNCTION_TARGET)
    problems.push(`${at}: resourceType '${target.resourceType}' is not ${LAMBDA_FUNCTION_TARGET}`);
  const mode = selectionModeProblem(target.selectionMode);
  if (mode) problems.push(`${at}: ${mode}`);
  const byTags = Object.keys(target.resourceTags ?? {}).length > 0;
  const byArns = (target.resourceArns ?? []).length > 0;
  if (byTags === byArns) problems.push(`${at}: give resourceTags or resourceArns, exactly one of them`);
  for (const key of Object.keys(target.parameters ?? {}))
    if (!(LAMBDA_TARGET_PARAMETERS as readonly string[]).includes(key))
      problems.push(`${at}: ${LAMBDA_FUNCTION_TARGET} has no parameter '${key}'`);
  return problems;
}

/** Every action that (transitively) waits for itself through startAfter. */
function startAfterCycles(actions: Readonly<Record<string, FisTemplateAction>>): readonly string[] {
  const cyclic: string[] = [];
  for (const start of Object.keys(actions)) {
    const seen = new Set<string>();
    const queue = [...(actions[start]?.startAfter ?? [])];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (next === start) {
        cyclic.push(`action '${start}': startAfter makes a cycle`);
        break;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(actions[next]?.startAfter ?? []));
    }
  }
  return cyclic;
}

/** Everything FIS would refuse in the template's actions and targets; empty when it is valid. */
export function experimentTemplateProblems(template: FisTemplateActions): readonly string[] {
  const problems: string[] = [];
  const actions = Object.entries(template.actions);
  if (actions.length === 0) problems.push('an experiment template needs at least one action');
  for (const name of [...Object.keys(template.actions), ...Object.keys(template.targets)])
    if (!FIS_NAME.test(name)) problems.push(`'${name}' is not a FIS name (1 to 64 characters, no spaces)`);
  for (const [name, action] of actions) problems.push(...actionProblems(name, action, template));
  problems.push(...startAfterCycles(template.actions));
  const used = new Set(actions.flatMap(([, action]) => Object.values(action.targets ?? {})));
  for (const [name, target] of Object.entries(template.targets)) {
    problems.push(...targetProblems(name, target));
    if (!used.has(name)) problems.push(`target '${name}' is used by no action`);
  }
  return problems;
}

/** Throws a `FisTemplateError` listing every problem when the template is not valid. */
export function validateExperimentTemplate(name: string, template: FisTemplateActions): void {
  const problems = experimentTemplateProblems(template);
  if (problems.length > 0) throw new FisTemplateError(name, problems);
}
