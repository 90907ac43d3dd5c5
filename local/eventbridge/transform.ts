import { AwsError } from '../core/aws-service.js';
import { type PathStep, parseJsonPath, selectPath } from './jsonpath.js';
import { fillTemplate } from './template.js';

/** A target's input options, as CloudFormation and PutTargets name them. */
export interface TargetInputConfig {
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: {
    readonly InputPathsMap?: Record<string, string>;
    readonly InputTemplate: string;
  };
}

/** What the predefined `<aws.events.*>` variables resolve to. */
export interface TransformContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  /** ISO 8601, the time EventBridge received the event. */
  readonly ingestionTime: string;
}

export type InputRenderer = (event: Record<string, unknown>, context: TransformContext) => string;

const MAX_VARIABLES = 100;
const VARIABLE_NAME = /^[A-Za-z0-9_\-.]+$/;
const PLACEHOLDER = /<([A-Za-z0-9_\-.]+)>/y;
const PREDEFINED = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event',
  'aws.events.event.ingestion-time',
  'aws.events.event.json',
]);

/**
 * Validates a target's input options once (as PutTargets would) and returns the function that renders the
 * target's input for an event: the event itself by default, `Input` as given, the `InputPath` selection as JSON,
 * or the `InputTransformer` template filled in.
 */
export function compileTargetInput(config: TargetInputConfig): InputRenderer {
  const given = [config.Input, config.InputPath, config.InputTransformer].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw new AwsError(
      'ValidationException',
      'Only one of Input, InputPath, or InputTransformer must be provided for a target.',
    );
  }
  if (config.Input !== undefined) {
    const input = config.Input;
    return () => input;
  }
  if (config.InputPath !== undefined) {
    const steps = parseJsonPath(config.InputPath);
    return (event) => JSON.stringify(selectPath(event, steps) ?? null);
  }
  if (config.InputTransformer !== undefined) return compileTransformer(config.InputTransformer);
  return (event) => JSON.stringify(event);
}

function compileTransformer(transformer: NonNullable<TargetInputConfig['InputTransformer']>): InputRenderer {
  const entries = Object.entries(transformer.InputPathsMap ?? {});
  if (entries.length > MAX_VARIABLES) {
    throw new AwsError('ValidationException', `InputPathsMap can hold at most ${MAX_VARIABLES} variables.`);
  }
  const paths = new Map<string, PathStep[]>();
  for (const [name, path] of entries) {
    if (!VARIABLE_NAME.test(name))
      throw new AwsError('ValidationException', `Invalid InputPathsMap key: ${name}`);
    if (PREDEFINED.has(name) || name.startsWith('aws.events.')) {
      throw new AwsError('ValidationException', `InputTemplate variable name ${name} is reserved.`);
    }
    paths.set(name, parseJsonPath(path));
  }
  const template = transformer.InputTemplate;
  return (event, context) => {
    const values = new Map<string, unknown>();
    for (const [name, steps] of paths) values.set(name, selectPath(event, steps));
    return renderTemplate(template, (name) => lookup(name, values, event, context));
  };
}

type Lookup = (name: string) => { found: false } | { found: true; value: unknown; json?: string };

function lookup(
  name: string,
  values: Map<string, unknown>,
  event: Record<string, unknown>,
  context: TransformContext,
): ReturnType<Lookup> {
  switch (name) {
    case 'aws.events.rule-arn':
      return { found: true, value: context.ruleArn };
    case 'aws.events.rule-name':
      return { found: true, value: context.ruleName };
    case 'aws.events.event.ingestion-time':
      return { found: true, value: context.ingestionTime };
    case 'aws.events.event':
      return { found: true, value: event };
    case 'aws.events.event.json': {
      // The event as a string: quoted as a whole value, escaped inside a string so the template stays valid JSON.
      const json = JSON.stringify(event);
      return { found: true, value: json, json: JSON.stringify(json) };
    }
    default:
      return values.has(name) ? { found: true, value: values.get(name) } : { found: false };
  }
}

/**
 * Fills `<name>` placeholders as EventBridge does. In a JSON template (one starting with `{`, `[` or `"`), a
 * placeholder standing as a whole value becomes the value's JSON (strings quoted), while one inside a JSON string
 * becomes raw text (strings unquoted and, as in AWS, not escaped). In any other template every value is raw text.
 * A variable whose path is absent from the event renders as `null` as a whole value and as nothing in text.
 * Unknown placeholders are left as written. A JSON result is minified, as AWS passes it.
 */
export function renderTemplate(template: string, resolve: Lookup): string {
  return fillTemplate(template, {
    placeholder: PLACEHOLDER,
    resolve: (name) => {
      const resolved = resolve(name);
      return resolved.found ? resolved : undefined;
    },
    asJsonValue,
    asText,
  });
}

function asJsonValue(resolved: { value: unknown; json?: string }): string {
  if (resolved.json !== undefined) return resolved.json;
  return resolved.value === undefined ? 'null' : JSON.stringify(resolved.value);
}

function asText(resolved: { value: unknown; json?: string }, insideJsonString: boolean): string {
  const { value } = resolved;
  if (value === undefined) return '';
  if (typeof value === 'string') {
    return insideJsonString && resolved.json !== undefined ? resolved.json.slice(1, -1) : value;
  }
  return JSON.stringify(value);
}
