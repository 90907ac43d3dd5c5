/**
 * The assembly's `AWS::FIS::ExperimentTemplate` resources in FIS's API shape (camelCase, as
 * GetExperimentTemplate answers), with what is wrong with each by FIS's definitions: a template FIS would
 * have refused at deploy time is still listed, but cannot be started.
 */
import type { CloudModel } from '../assembly/model.js';
import { experimentTemplateProblems, parseIsoDuration } from './actions.js';

export interface TemplateTarget {
  readonly resourceType: string;
  readonly resourceArns?: readonly string[];
  readonly resourceTags?: Readonly<Record<string, string>>;
  readonly filters?: ReadonlyArray<{ readonly path: string; readonly values: readonly string[] }>;
  readonly selectionMode: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

export interface TemplateAction {
  readonly actionId: string;
  readonly description?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly targets?: Readonly<Record<string, string>>;
  readonly startAfter?: readonly string[];
}

export interface StopCondition {
  readonly source: string;
  readonly value?: string;
}

export interface LogConfiguration {
  readonly cloudWatchLogsConfiguration?: { readonly logGroupArn: string };
  readonly s3Configuration?: { readonly bucketName: string; readonly prefix?: string };
  readonly logSchemaVersion: number;
}

export interface ExperimentTemplate {
  readonly id: string;
  readonly arn: string;
  readonly description: string;
  readonly targets: Readonly<Record<string, TemplateTarget>>;
  readonly actions: Readonly<Record<string, TemplateAction>>;
  readonly stopConditions: readonly StopCondition[];
  /** Epoch seconds. */
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly roleArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly logConfiguration?: LogConfiguration;
  readonly experimentOptions: {
    readonly accountTargeting: string;
    readonly emptyTargetResolutionMode: string;
  };
  readonly targetAccountConfigurationsCount: number;
}

export interface LocalTemplate {
  readonly template: ExperimentTemplate;
  /** Why FIS would refuse it (bad parameters, unknown targets, `startAfter` naming no action); empty if none. */
  readonly problems: readonly string[];
}

type Json = Record<string, unknown>;

export function templatesFromModel(model: CloudModel, now = Date.now()): LocalTemplate[] {
  return model.resources('AWS::FIS::ExperimentTemplate').map((resource) => {
    const identity = model.identity(resource);
    return templateFromProperties(identity.ref, identity.arn, model.properties(resource), now / 1000);
  });
}

/** CloudFormation's PascalCase properties to FIS's API shape. */
export function templateFromProperties(
  id: string,
  arn: string,
  props: Json,
  createdAt: number,
): LocalTemplate {
  const targets = Object.fromEntries(
    Object.entries(objectOf(props.Targets)).map(([name, raw]) => {
      const target = objectOf(raw);
      const arns = stringsOf(target.ResourceArns);
      const tags = stringMapOf(target.ResourceTags);
      const filters = (Array.isArray(target.Filters) ? target.Filters : []).map((filter) => {
        const f = objectOf(filter);
        return { path: String(f.Path ?? ''), values: stringsOf(f.Values) };
      });
      const parameters = stringMapOf(target.Parameters);
      return [
        name,
        {
          resourceType: String(target.ResourceType ?? ''),
          ...(arns.length ? { resourceArns: arns } : {}),
          ...(Object.keys(tags).length ? { resourceTags: tags } : {}),
          ...(filters.length ? { filters } : {}),
          selectionMode: String(target.SelectionMode ?? 'ALL'),
          ...(Object.keys(parameters).length ? { parameters } : {}),
        } satisfies TemplateTarget,
      ];
    }),
  );
  const actions = Object.fromEntries(
    Object.entries(objectOf(props.Actions)).map(([name, raw]) => {
      const action = objectOf(raw);
      const startAfter = stringsOf(action.StartAfter);
      return [
        name,
        {
          actionId: String(action.ActionId ?? ''),
          ...(typeof action.Description === 'string' ? { description: action.Description } : {}),
          parameters: stringMapOf(action.Parameters),
          targets: stringMapOf(action.Targets),
          ...(startAfter.length ? { startAfter } : {}),
        } satisfies TemplateAction,
      ];
    }),
  );
  const stopConditions = (Array.isArray(props.StopConditions) ? props.StopConditions : []).map((raw) => {
    const condition = objectOf(raw);
    return {
      source: String(condition.Source ?? 'none'),
      ...(typeof condition.Value === 'string' ? { value: condition.Value } : {}),
    };
  });
  const options = objectOf(props.ExperimentOptions);
  const template: ExperimentTemplate = {
    id,
    arn,
    description: String(props.Description ?? ''),
    targets,
    actions,
    stopConditions: stopConditions.length ? stopConditions : [{ source: 'none' }],
    creationTime: createdAt,
    lastUpdateTime: createdAt,
    ...(typeof props.RoleArn === 'string' ? { roleArn: props.RoleArn } : {}),
    tags: stringMapOf(props.Tags),
    ...logConfigurationOf(props.LogConfiguration),
    experimentOptions: {
      accountTargeting: String(options.AccountTargeting ?? 'single-account'),
      emptyTargetResolutionMode: String(options.EmptyTargetResolutionMode ?? 'fail'),
    },
    targetAccountConfigurationsCount: 0,
  };
  // The same checks the CDK constructs apply at synth time (lib/constructs/chaos/fis-actions.ts).
  return { template, problems: experimentTemplateProblems(template) };
}

/** The action's `duration` in ms (every action the local FIS runs has one). */
export function actionDurationMs(action: TemplateAction): number {
  return parseIsoDuration(action.parameters?.duration ?? '') ?? 0;
}

function logConfigurationOf(raw: unknown): { logConfiguration?: LogConfiguration } {
  if (raw === undefined || raw === null) return {};
  const config = objectOf(raw);
  // The L1 types these as `any`: CloudFormation wants PascalCase keys, but accept the API's camelCase too.
  const cw = objectOf(config.CloudWatchLogsConfiguration ?? config.cloudWatchLogsConfiguration);
  const s3 = objectOf(config.S3Configuration ?? config.s3Configuration);
  const logGroupArn = cw.LogGroupArn ?? cw.logGroupArn;
  const bucketName = s3.BucketName ?? s3.bucketName;
  const prefix = s3.Prefix ?? s3.prefix;
  return {
    logConfiguration: {
      ...(typeof logGroupArn === 'string' ? { cloudWatchLogsConfiguration: { logGroupArn } } : {}),
      ...(typeof bucketName === 'string'
        ? { s3Configuration: { bucketName, ...(typeof prefix === 'string' ? { prefix } : {}) } }
        : {}),
      logSchemaVersion: Number(config.LogSchemaVersion ?? 2),
    },
  };
}

function objectOf(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A string map; CloudFormation gives booleans and numbers in parameters as they were written. */
function stringMapOf(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(objectOf(value)).map(([key, item]) => [key, String(item)]));
}
