import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LIVE_ALIAS } from '../service-function.js';
import {
  type FisActionId,
  type FisTemplateAction,
  FisTemplateError,
  type FisTemplateTarget,
  LAMBDA_FUNCTION_TARGET,
  LAMBDA_TARGET_KEY,
  validateExperimentTemplate,
} from './fis-actions.js';

/** `ALL`, `COUNT(n)` or `PERCENT(n)`: how many of the functions the tags select take part. */
export type SelectionMode = 'ALL' | `COUNT(${number})` | `PERCENT(${number})`;

/** Lambda functions selected by their tags (never by ARN: a template then needs no other stack's outputs). */
export interface LambdaFaultTarget {
  /** Tags every selected function carries (FIS `resourceTags`). */
  readonly tags: Readonly<Record<string, string>>;
  /** @default 'ALL' */
  readonly selectionMode?: SelectionMode;
  /** The version or alias faults apply to. @default LIVE_ALIAS, what every caller invokes */
  readonly functionQualifier?: string;
}

export interface LambdaFaultAction {
  readonly actionId: FisActionId;
  readonly description?: string;
  /** FIS parameters; numbers and booleans are written as FIS's strings. */
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  /** The name of one of `targets` (Lambda actions); none for aws:fis:wait. */
  readonly target?: string;
  /** Actions of this template that must end before this one starts. @default - starts with the experiment */
  readonly startAfter?: readonly string[];
}

export interface ExperimentReportOptions {
  /** Where FIS writes the report. */
  readonly bucket: s3.IBucket;
  /** Key prefix of the reports, e.g. `FisReports/`. */
  readonly prefix: string;
  /** Dashboard ARNs whose graphs the report includes. @default - none */
  readonly dashboardArns?: readonly string[];
  /** Data before the experiment's start and after its end in the graphs. @default 'PT5M' both */
  readonly preExperimentDuration?: string;
  readonly postExperimentDuration?: string;
}

export interface LambdaFaultExperimentProps {
  /** The template's id in the catalogue: its `Name` tag, by which people and scripts find it. */
  readonly experimentName: string;
  readonly description: string;
  /** The role FIS assumes (the chaos stack's least-privilege experiment role). */
  readonly role: iam.IRole;
  readonly targets: Readonly<Record<string, LambdaFaultTarget>>;
  readonly actions: Readonly<Record<string, LambdaFaultAction>>;
  /** The steady-state hypothesis: FIS stops the experiment when any of these alarms. At least one. */
  readonly stopConditions: readonly cloudwatch.IAlarm[];
  /** Where FIS writes the experiment log (log schema version 2). @default - no experiment log */
  readonly logGroup?: logs.ILogGroup;
  /** An experiment report at the end of each run. @default - no report */
  readonly report?: ExperimentReportOptions;
}

/**
 * An AWS FIS experiment template of Lambda faults (aws-fis has only the L1): actions checked against FIS's
 * definitions at synth time (a bad one throws a `FisTemplateError` naming every problem), targets by tag on
 * the `live` alias, the SLO alarms as stop conditions, logging and reports.
 */
export class LambdaFaultExperiment extends Construct {
  public readonly template: fis.CfnExperimentTemplate;
  /** The actions and targets in FIS's API shape, as validated. */
  public readonly definition: {
    readonly actions: Readonly<Record<string, FisTemplateAction>>;
    readonly targets: Readonly<Record<string, FisTemplateTarget>>;
  };

  constructor(scope: Construct, id: string, props: LambdaFaultExperimentProps) {
    super(scope, id);
    if (props.stopConditions.length === 0)
      throw new FisTemplateError(props.experimentName, [
        'an experiment needs at least one stop condition (an SLO alarm): it is the steady-state hypothesis',
      ]);

    const targets: Record<string, FisTemplateTarget> = {};
    for (const [name, target] of Object.entries(props.targets)) {
      targets[name] = {
        resourceType: LAMBDA_FUNCTION_TARGET,
        selectionMode: target.selectionMode ?? 'ALL',
        resourceTags: { ...target.tags },
        parameters: { functionQualifier: target.functionQualifier ?? LIVE_ALIAS },
      };
    }
    const actions: Record<string, FisTemplateAction> = {};
    for (const [name, action] of Object.entries(props.actions)) {
      actions[name] = {
        actionId: action.actionId,
        ...(action.description ? { description: action.description } : {}),
        parameters: Object.fromEntries(
          Object.entries(action.parameters ?? {}).map(([key, value]) => [key, String(value)]),
        ),
        ...(action.target === undefined ? {} : { targets: { [LAMBDA_TARGET_KEY]: action.target } }),
        ...(action.startAfter?.length ? { startAfter: [...action.startAfter] } : {}),
      };
    }
    this.definition = { actions, targets };
    validateExperimentTemplate(props.experimentName, this.definition);

    const report = props.report;
    this.template = new fis.CfnExperimentTemplate(this, 'Template', {
      description: props.description,
      roleArn: props.role.roleArn,
      targets: Object.fromEntries(
        Object.entries(targets).map(([name, t]) => [
          name,
          {
            resourceType: t.resourceType,
            selectionMode: t.selectionMode,
            resourceTags: t.resourceTags,
            parameters: t.parameters,
          },
        ]),
      ),
      actions: Object.fromEntries(
        Object.entries(actions).map(([name, a]) => [
          name,
          {
            actionId: a.actionId,
            description: a.description,
            parameters: a.parameters,
            targets: a.targets,
            startAfter: a.startAfter ? [...a.startAfter] : undefined,
          },
        ]),
      ),
      stopConditions: props.stopConditions.map((alarm) => ({
        source: 'aws:cloudwatch:alarm',
        value: alarm.alarmArn,
      })),
      ...(props.logGroup
        ? {
            logConfiguration: {
              logSchemaVersion: 2,
              // The L1 types this `any` and passes it through: CloudFormation wants PascalCase here.
              cloudWatchLogsConfiguration: { LogGroupArn: props.logGroup.logGroupArn },
            },
          }
        : {}),
      ...(report
        ? {
            experimentReportConfiguration: {
              outputs: {
                experimentReportS3Configuration: {
                  bucketName: report.bucket.bucketName,
                  prefix: report.prefix,
                },
              },
              ...(report.dashboardArns?.length
                ? {
                    dataSources: {
                      cloudWatchDashboards: report.dashboardArns.map((arn) => ({ dashboardIdentifier: arn })),
                    },
                  }
                : {}),
              preExperimentDuration: report.preExperimentDuration ?? 'PT5M',
              postExperimentDuration: report.postExperimentDuration ?? 'PT5M',
            },
          }
        : {}),
      tags: { Name: props.experimentName },
    });
  }
}
