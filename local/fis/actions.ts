/**
 * The FIS actions the local cloud runs, from the one set of FIS definitions the CDK constructs check templates
 * with at synth time (lib/constructs/chaos/fis-actions.ts, pure data): here in the shapes ListActions and
 * GetAction answer, with each action's target key.
 */
import {
  FIS_ACTIONS as DEFINITIONS,
  type FisActionDefinition as Definition,
  durationSeconds,
  LAMBDA_FUNCTION_TARGET,
  LAMBDA_TARGET_KEY,
} from '../../lib/constructs/chaos/fis-actions.js';

export {
  experimentTemplateProblems,
  LAMBDA_FUNCTION_TARGET,
} from '../../lib/constructs/chaos/fis-actions.js';

export interface FisActionDefinition {
  readonly id: string;
  readonly description: string;
  /** The key of the action's `targets` and the resource type it takes, when it takes one. */
  readonly target?: { readonly key: string; readonly resourceType: string };
  readonly parameters: Readonly<Record<string, { readonly description: string; readonly required: boolean }>>;
}

export const FIS_ACTIONS: Readonly<Record<string, FisActionDefinition>> = Object.fromEntries(
  Object.entries(DEFINITIONS as Readonly<Record<string, Definition>>).map(([id, definition]) => [
    id,
    {
      id,
      description: definition.description,
      ...(definition.targetType
        ? { target: { key: LAMBDA_TARGET_KEY, resourceType: LAMBDA_FUNCTION_TARGET } }
        : {}),
      parameters: Object.fromEntries(
        Object.entries(definition.parameters).map(([name, parameter]) => [
          name,
          { description: describe(parameter), required: parameter.required },
        ]),
      ),
    },
  ]),
);

/** An ISO 8601 duration (`PT10M`, `PT1H30M`) in milliseconds; undefined when it is not one. */
export function parseIsoDuration(text: string): number | undefined {
  const seconds = durationSeconds(text);
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

function describe(parameter: Definition['parameters'][string]): string {
  switch (parameter.kind) {
    case 'duration':
      return 'How long the action lasts (ISO 8601, e.g. PT5M).';
    case 'integer':
      return `An integer from ${parameter.min} to ${parameter.max}${parameter.default !== undefined ? ` (default ${parameter.default})` : ''}.`;
    case 'boolean':
      return `true or false${parameter.default !== undefined ? ` (default ${parameter.default})` : ''}.`;
    case 'statusCode':
      return 'An HTTP status code.';
    case 'text':
      return 'Text.';
  }
}
