import { ArnFormat, Duration, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config.js';
import {
  CHAOS_TAG,
  ChaosMonkey,
  chaosBucketName,
  enableFaultInjection,
  FIS_CONFIG_PREFIX,
  LambdaFaultExperiment,
} from '../constructs/chaos/index.js';
import { nagArnPrefix } from '../constructs/nag-ids.js';
import type { ServiceFunction } from '../constructs/service-function.js';
import {
  CHAOS_CATALOGUE,
  CHAOS_EXPERIMENT_IDS,
  type ChaosExperimentId,
  type ChaosParticipant,
  type SloAlarmName,
} from './chaos/catalogue.js';
import { dataRemovalPolicy } from './retention.js';

/** Where FIS writes each run's experiment report in the chaos bucket. */
export const FIS_REPORTS_PREFIX = 'FisReports/';

export interface ChaosStackProps extends StackProps {
  readonly config: PlatformConfig;
  /** The observability stack's SLO alarms by name (`commerceforge-<stage>-slo-<name>-Critical`). */
  readonly sloAlarms: Readonly<Record<string, cloudwatch.IAlarm>>;
  /** The functions that take part, by participant; one that is missing (no sandbox) is selected by nothing. */
  readonly participants: Readonly<Partial<Record<ChaosParticipant, ServiceFunction>>>;
  /** Dashboards (ARNs) whose graphs each experiment report includes. @default - none */
  readonly reportDashboardArns?: readonly string[];
}

/**
 * Chaos engineering on AWS FIS: the configuration bucket the FIS extension reads (`FisConfigs/`), a
 * least-privilege experiment role, the experiment log group, the catalogue's templates (catalogue.ts) with the
 * SLO alarms as stop conditions, and the chaos monkey. It also makes the participating functions injectable
 * (layer, wrapper, configuration location, tag) in their own stacks, with no reference to this one: it reads
 * the observability stack, which reads the services, so a reference back would be a cycle.
 */
export class ChaosStack extends Stack {
  public readonly bucket: s3.Bucket;
  public readonly experimentRole: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly experiments: Record<ChaosExperimentId, LambdaFaultExperiment>;
  public readonly monkey: ChaosMonkey;

  constructor(scope: Construct, id: string, props: ChaosStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = dataRemovalPolicy(config);

    for (const [participant, fn] of Object.entries(props.participants))
      if (fn) enableFaultInjection(fn, { stage: config.stage, participant });

    this.bucket = new s3.Bucket(this, 'Configurations', {
      bucketName: chaosBucketName(config.stage),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy,
      // Fault configurations live as long as an experiment; reports are kept for a season of game days.
      lifecycleRules: [{ prefix: FIS_REPORTS_PREFIX, expiration: Duration.days(90) }],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "The bucket holds FIS's short-lived fault configurations and its reports; FIS's experiment log already records who ran what.",
    });

    this.logGroup = new logs.LogGroup(this, 'ExperimentLogs', {
      // The vended-logs prefix keeps FIS's log delivery within the log resource policy's size.
      logGroupName: `/aws/vendedlogs/fis/commerceforge-${config.stage}`,
      retention: config.stageDefaults.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });

    this.experimentRole = this.createExperimentRole(props.reportDashboardArns ?? []);

    const experiments = {} as Record<ChaosExperimentId, LambdaFaultExperiment>;
    for (const experimentId of CHAOS_EXPERIMENT_IDS) {
      const spec = CHAOS_CATALOGUE[experimentId];
      experiments[experimentId] = new LambdaFaultExperiment(this, pascal(experimentId), {
        experimentName: experimentId,
        description: spec.description,
        role: this.experimentRole,
        targets: Object.fromEntries(
          Object.entries(spec.targets).map(([name, { participant }]) => [
            name,
            { tags: { [CHAOS_TAG]: participant }, selectionMode: 'ALL' },
          ]),
        ),
        actions: spec.actions,
        stopConditions: spec.stopConditions.map((name) => sloAlarm(props.sloAlarms, name)),
        logGroup: this.logGroup,
        report: {
          bucket: this.bucket,
          prefix: FIS_REPORTS_PREFIX,
          ...(props.reportDashboardArns?.length ? { dashboardArns: props.reportDashboardArns } : {}),
        },
      });
    }
    this.experiments = experiments;

    const [from, to] = config.chaos.monkey.hours;
    this.monkey = new ChaosMonkey(this, 'Monkey', {
      templates: CHAOS_EXPERIMENT_IDS.filter((id) => CHAOS_CATALOGUE[id].monkey).map(
        (id) => experiments[id].template,
      ),
      probability: config.chaos.monkey.probability,
      // On the hour, in business hours on working days.
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: to - 1 === from ? `${from}` : `${from}-${to - 1}`,
        weekDay: 'MON-FRI',
        timeZone: TimeZone.of(config.chaos.monkey.timeZone),
      }),
      enabled: config.chaos.monkey.enabled,
      logRetention: config.stageDefaults.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
  }

  /**
   * What FIS may do while running the catalogue: write and remove fault configurations under FisConfigs/,
   * find the tagged functions, deliver its log, write reports.
   */
  private createExperimentRole(dashboardArns: readonly string[]): iam.Role {
    const role = new iam.Role(this, 'ExperimentRole', {
      description: 'Assumed by AWS FIS to run the CommerceForge chaos catalogue',
      // Only this account's experiments may assume it (the confused deputy).
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': this.account },
        ArnLike: {
          'aws:SourceArn': this.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' }),
        },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects(`${FIS_CONFIG_PREFIX}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:GetFunction'],
        resources: [
          this.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
        conditions: { StringLike: { [`aws:ResourceTag/${CHAOS_TAG}`]: '*' } },
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['tag:GetResources'], resources: ['*'] }));
    // Experiment logging to CloudWatch Logs is a vended log delivery.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogDelivery',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [this.bucket.arnForObjects(`${FIS_REPORTS_PREFIX}*`)],
      }),
    );
    if (dashboardArns.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['cloudwatch:GetDashboard'], resources: [...dashboardArns] }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricWidgetImage'], resources: ['*'] }),
      );
    }
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'tag:GetResources (FIS finds the tagged functions), the log delivery actions and cloudwatch:GetMetricWidgetImage support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${FIS_CONFIG_PREFIX}*]`,
        reason:
          'FIS writes and removes one fault configuration per experiment and function under FisConfigs/.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${FIS_REPORTS_PREFIX}*]`,
        reason: 'FIS writes one report per experiment under FisReports/, named by the experiment id.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagArnPrefix(this, 'lambda')}:function:*]`,
        reason: `FIS selects the functions by tag; GetFunction is limited to functions carrying the ${CHAOS_TAG} tag.`,
      },
    );
    return role;
  }
}

/** The observability stack's alarm for one SLO; a catalogue entry naming a missing one does not synthesize. */
function sloAlarm(
  alarms: Readonly<Record<string, cloudwatch.IAlarm>>,
  name: SloAlarmName,
): cloudwatch.IAlarm {
  const found = Object.entries(alarms).find(([alarmName]) => alarmName.endsWith(`-slo-${name}-Critical`));
  if (!found)
    throw new Error(
      `ChaosStack: no SLO alarm named *-slo-${name}-Critical among ${Object.keys(alarms).join(', ')}`,
    );
  return found[1];
}

/** `payment-errors` → `PaymentErrors`: catalogue ids as construct ids. */
function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
