/**
 * EventBridge Pipes' input transformation (`InputTemplate`), which differs from a rule target's:
 * - placeholders are JSON paths (`<$.dynamodb.NewImage.id.S>`) or reserved variables (`<aws.pipes.pipe-name>`);
 * - in a JSON template, a placeholder standing as a whole value gets quotes when its value is a string (quoting
 *   it yourself is allowed too), and objects and arrays go in as JSON;
 * - values are not escaped: Pipes removes the double quotes inside a string value, and inside an object or
 *   array inserted into a string, to keep the output valid. So a JSON-string value such as the attribute
 *   `{"key": "value"}` arrives as the string `"{key: value}"`, never as an object (AWS's "implicit body data
 *   parsing" only applies to encoded source fields such as an SQS body, which a DynamoDB record has none of);
 * - a template that is a single placeholder renders a string value quoted, as a JSON string;
 * - a path the event does not have renders as `null` as a whole value and as nothing inside a string.
 */
import { type PathStep, parseJsonPath, selectPath } from '../eventbridge/jsonpath.js';
import { fillTemplate } from '../eventbridge/template.js';

export interface PipeVariables {
  readonly pipeArn: string;
  readonly pipeName: string;
  readonly sourceArn: string;
  readonly enrichmentArn?: string;
  readonly targetArn: string;
  /** ISO 8601: when the transformer received the event. */
  readonly ingestionTime: string;
}

const PLACEHOLDER = /<(\$[^<>\s]*|aws\.pipes\.[a-z.-]+)>/y;
const LONE_PLACEHOLDER = /^\s*<(\$[^<>\s]*|aws\.pipes\.[a-z.-]+)>\s*$/;

type Resolved = { readonly found: false } | { readonly found: true; readonly value: unknown };

export type PipeTemplate = (event: unknown, variables: PipeVariables) => string;

/** Compiles a template once; the paths are parsed up front (an invalid one fails at start, not per event). */
export function compilePipeTemplate(template: string): PipeTemplate {
  const paths = new Map<string, PathStep[]>();
  for (const match of template.matchAll(/<(\$[^<>\s]*)>/g)) {
    const path = match[1] ?? '';
    if (!paths.has(path)) paths.set(path, parseJsonPath(path.replace(/\[\*\]|\.\*/g, '')));
  }
  return (event, variables) => {
    const resolve = (name: string): Resolved => {
      if (name.startsWith('$')) {
        const steps = paths.get(name) ?? [];
        const value = selectPath(event, steps);
        return value === undefined ? { found: true, value: undefined } : { found: true, value };
      }
      return reserved(name, event, variables);
    };
    const lone = LONE_PLACEHOLDER.exec(template);
    if (lone) {
      const resolved = resolve(lone[1] ?? '');
      if (!resolved.found) return template;
      return wholeValue(resolved.value, true);
    }
    return render(template, resolve);
  };
}

function reserved(name: string, event: unknown, variables: PipeVariables): Resolved {
  switch (name) {
    case 'aws.pipes.pipe-arn':
      return { found: true, value: variables.pipeArn };
    case 'aws.pipes.pipe-name':
      return { found: true, value: variables.pipeName };
    case 'aws.pipes.source-arn':
      return { found: true, value: variables.sourceArn };
    case 'aws.pipes.enrichment-arn':
      return { found: true, value: variables.enrichmentArn ?? '' };
    case 'aws.pipes.target-arn':
      return { found: true, value: variables.targetArn };
    case 'aws.pipes.event.ingestion-time':
      return { found: true, value: variables.ingestionTime };
    case 'aws.pipes.event':
    case 'aws.pipes.event.json':
      return { found: true, value: event };
    default:
      return { found: false };
  }
}

function render(template: string, resolve: (name: string) => Resolved): string {
  return fillTemplate(template, {
    placeholder: PLACEHOLDER,
    resolve: (name) => {
      const resolved = resolve(name);
      return resolved.found ? resolved : undefined;
    },
    asJsonValue: (resolved) => wholeValue(resolved.value, false),
    asText: (resolved) => inText(resolved.value),
  });
}

/** A placeholder standing as a JSON value: strings quoted (their own quotes removed), the rest as JSON. */
function wholeValue(value: unknown, lone: boolean): string {
  if (value === undefined) return 'null';
  if (typeof value === 'string') return `"${unquoted(value)}"`;
  if (lone && value !== null && typeof value === 'object') return `"${unquoted(JSON.stringify(value))}"`;
  return JSON.stringify(value);
}

/** A placeholder inside a string or plain text: the value's text without double quotes. */
function inText(value: unknown): string {
  if (value === undefined) return '';
  return unquoted(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Removes double quotes and escapes what would still break a JSON string (backslashes, control characters). */
function unquoted(text: string): string {
  return JSON.stringify(text.replaceAll('"', '')).slice(1, -1);
}
